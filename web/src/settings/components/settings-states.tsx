import type { ReactNode } from 'react';
import { Alert, Button, EmptyState, Group, Stack } from '@mantine/core';
import { IconAlertTriangle, IconLock, IconPlugConnectedX } from '@tabler/icons-react';
import type { UseQueryResult } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../app/api';
import { errorMessage } from '../../app/errors';
import { PageLoader } from '../../components/page-loader';

/** What a non-administrator sees in Settings, whether the menu or the API (403) said so. */
export function AdminOnlyState() {
  const { t } = useTranslation('settings');
  return (
    <EmptyState
      mt="xl"
      variant="light"
      color="orange"
      icon={<IconLock size={28} />}
      title={t('states.adminOnly.title')}
      description={t('states.adminOnly.body')}
      data-testid="settings-admin-only"
    >
      <EmptyState.Actions>
        <Button component={Link} to="/" variant="default">
          {t('app:notFound.home')}
        </Button>
      </EmptyState.Actions>
    </EmptyState>
  );
}

/** The server answered 404 for a whole section: this server does not offer it yet. */
export function UnavailableState() {
  const { t } = useTranslation('settings');
  return (
    <EmptyState
      mt="xl"
      icon={<IconPlugConnectedX size={28} />}
      withIndicatorBackground
      title={t('states.unavailable.title')}
      description={t('states.unavailable.body')}
    />
  );
}

/** A failed load with a way to try again; 403 and 404 get their own states. */
export function LoadError({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const { t } = useTranslation('settings');
  if (error instanceof ApiError && error.status === 403) return <AdminOnlyState />;
  if (error instanceof ApiError && error.status === 404) return <UnavailableState />;
  return (
    <Alert color="red" icon={<IconAlertTriangle size={18} />} title={t('states.loadFailed')} role="alert">
      <Stack gap="xs" align="flex-start">
        {errorMessage(error, t)}
        {onRetry && (
          <Button size="xs" variant="white" color="red" onClick={onRetry}>
            {t('app:common.retry')}
          </Button>
        )}
      </Stack>
    </Alert>
  );
}

/** Renders a query's loading and error states, and its data once there. */
export function QueryBoundary<T>({ query, children }: { query: UseQueryResult<T>; children: (data: T) => ReactNode }) {
  if (query.isPending) return <PageLoader />;
  if (query.isError) return <LoadError error={query.error} onRetry={() => void query.refetch()} />;
  return <>{children(query.data)}</>;
}

/** True when the error says only an administrator may do this (403). */
export function isForbidden(error: unknown): boolean {
  return error instanceof ApiError && error.status === 403;
}

/** A row of buttons aligned to the end, wrapping on phones. */
export function Actions({ children }: { children: ReactNode }) {
  return (
    <Group justify="flex-end" gap="sm">
      {children}
    </Group>
  );
}
