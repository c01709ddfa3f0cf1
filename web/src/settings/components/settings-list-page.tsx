import type { ReactNode } from 'react';
import { Button, EmptyState } from '@mantine/core';
import { IconPlus } from '@tabler/icons-react';
import type { UseQueryResult } from '@tanstack/react-query';
import { SettingsPageHeader } from './settings-page-header';
import { QueryBoundary } from './settings-states';

interface SettingsListPageProps<T> {
  title: string;
  description: string;
  query: UseQueryResult<T[]>;
  /** The label of the "new …" button, in the header once the list is there and in the empty state. */
  createLabel: string;
  onCreate: () => void;
  /** What an empty list shows instead of `children`; without it, `children` render the empty list too. */
  empty?: { icon: ReactNode; title: string; body: string };
  /** More buttons beside the create button (header and empty state), e.g. "Examples". */
  extraActions?: ReactNode;
  children: (list: T[]) => ReactNode;
}

/** A settings page that lists one kind of thing: header with a create button, loading and error states, an empty state. */
export function SettingsListPage<T>({
  title,
  description,
  query,
  createLabel,
  onCreate,
  empty,
  extraActions,
  children,
}: SettingsListPageProps<T>) {
  return (
    <>
      <SettingsPageHeader
        title={title}
        description={description}
        actions={
          query.data && (
            <>
              {extraActions}
              <Button leftSection={<IconPlus size={18} />} onClick={onCreate}>
                {createLabel}
              </Button>
            </>
          )
        }
      />
      <QueryBoundary query={query}>
        {(list) =>
          empty && list.length === 0 ? (
            <EmptyState mt="xl" icon={empty.icon} withIndicatorBackground title={empty.title} description={empty.body}>
              <EmptyState.Actions>
                {extraActions}
                <Button onClick={onCreate}>{createLabel}</Button>
              </EmptyState.Actions>
            </EmptyState>
          ) : (
            children(list)
          )
        }
      </QueryBoundary>
    </>
  );
}
