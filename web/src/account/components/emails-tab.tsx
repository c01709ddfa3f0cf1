import { useMailOutboxHint } from '../../app/mail-delivery';
import { useState } from 'react';
import { Alert, Badge, Button, Group, Loader, Paper, Stack, Text, TextInput } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconMailCheck, IconPlus, IconTrash } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { fieldError } from '../../app/errors';
import type { AccountEmail } from '../api';
import { useDateFormat } from '../hooks/use-date-format';
import { useEmailMutations, useEmails } from '../hooks/use-emails';
import { ConfirmModal } from '../../components/confirm-modal';
import { describeError } from './describe-error';
import { MakePrimaryModal } from './make-primary-modal';
import { FormHeading } from '../../components/form-heading';
import { TooltipIconButton } from '../../components/tooltip-icon-button';

/** Add a secondary address: on success the person is told to open the verification link. */
function AddEmailForm({ onAdded, onCancel }: { onAdded: (email: string) => void; onCancel: () => void }) {
  const { t } = useTranslation('account');
  const { add } = useEmailMutations();
  const [email, setEmail] = useState('');
  const emailError = fieldError(add.error, 'email') ?? (add.error ? describeError(add.error, t) : undefined);
  return (
    <form
      onSubmit={(event) => {
        event.preventDefault();
        add.mutate(email.trim(), { onSuccess: () => onAdded(email.trim()) });
      }}
    >
      <Group align="flex-start" gap="sm" wrap="wrap">
        <TextInput
          label={t('emails.newAddress')}
          type="email"
          autoComplete="email"
          required
          value={email}
          onChange={(event) => setEmail(event.currentTarget.value)}
          error={emailError}
          autoFocus
          style={{ flex: '1 1 260px' }}
        />
        <Group gap="xs" mt={{ base: 0, xs: 25 }}>
          <Button type="submit" loading={add.isPending}>
            {t('emails.addSubmit')}
          </Button>
          <Button variant="default" onClick={onCancel}>
            {t('app:common.cancel')}
          </Button>
        </Group>
      </Group>
    </form>
  );
}

function EmailRow({ email, onMakePrimary, onRemove }: { email: AccountEmail; onMakePrimary: () => void; onRemove: () => void }) {
  const { t } = useTranslation('account');
  const format = useDateFormat();
  const { resend } = useEmailMutations();
  return (
    <Paper withBorder p="md" radius="md" aria-label={email.email} component="li" style={{ listStyle: 'none' }}>
      <Group justify="space-between" gap="sm" wrap="wrap">
        <Stack gap={4} style={{ minWidth: 0, flex: '1 1 240px' }}>
          <Group gap="xs" wrap="wrap">
            <Text fw={600} style={{ overflowWrap: 'anywhere' }}>
              {email.email}
            </Text>
            {email.isPrimary && (
              <Badge color="blue" variant="filled" size="sm">
                {t('emails.primary')}
              </Badge>
            )}
            {email.verified ? (
              <Badge color="teal" variant="light" size="sm">
                {t('emails.verified')}
              </Badge>
            ) : (
              <Badge color="orange" variant="light" size="sm">
                {t('emails.notVerified')}
              </Badge>
            )}
          </Group>
          <Text size="xs" c="dimmed">
            {t('emails.added', { date: format.date(email.createdAt) })}
          </Text>
        </Stack>
        {!email.isPrimary && (
          <Group gap="xs" wrap="nowrap">
            {email.verified ? (
              <Button size="xs" variant="light" onClick={onMakePrimary}>
                {t('emails.makePrimary')}
              </Button>
            ) : (
              <Button
                size="xs"
                variant="light"
                leftSection={<IconMailCheck size={14} />}
                loading={resend.isPending}
                onClick={() =>
                  resend.mutate(email.id, {
                    onSuccess: () => notifications.show({ color: 'teal', message: t('emails.resent', { email: email.email }) }),
                    onError: (error) => notifications.show({ color: 'red', message: describeError(error, t) }),
                  })
                }
              >
                {t('emails.resend')}
              </Button>
            )}
            <TooltipIconButton
              tooltip={t('emails.remove')}
              label={t('emails.removeLabel', { email: email.email })}
              color="red"
              size="lg"
              icon={<IconTrash size={18} />}
              onClick={onRemove}
            />
          </Group>
        )}
      </Group>
    </Paper>
  );
}

/** The account's addresses: add, verify (by mail), make primary (with the password), remove. */
export function EmailsTab() {
  const { t } = useTranslation('account');
  const emails = useEmails();
  const { remove } = useEmailMutations();
  const [adding, setAdding] = useState(false);
  const [sentTo, setSentTo] = useState<string | null>(null);
  const outboxHint = useMailOutboxHint();
  const [promoting, setPromoting] = useState<AccountEmail | null>(null);
  const [removing, setRemoving] = useState<AccountEmail | null>(null);

  return (
    <Stack maw={720}>
      <FormHeading title={t('emails.title')} intro={t('emails.intro')} order={3} />
      {sentTo && (
        <Alert
          color="teal"
          icon={<IconMailCheck size={18} />}
          title={t('emails.sentTitle')}
          withCloseButton
          closeButtonLabel={t('app:common.close')}
          onClose={() => setSentTo(null)}
          role="status"
        >
          {t('emails.sent', { email: sentTo })}
          {outboxHint && (
            <Text size="sm" mt={4}>
              {outboxHint}
            </Text>
          )}
        </Alert>
      )}
      {emails.isPending ? (
        <Loader size="sm" aria-label={t('app:common.loading')} />
      ) : emails.error ? (
        <Alert color="red" role="alert">
          {describeError(emails.error, t)}
        </Alert>
      ) : (
        <Stack gap="sm" component="ul" p={0} m={0} aria-label={t('emails.title')}>
          {emails.data.map((email) => (
            <EmailRow key={email.id} email={email} onMakePrimary={() => setPromoting(email)} onRemove={() => setRemoving(email)} />
          ))}
        </Stack>
      )}
      {adding ? (
        <AddEmailForm
          onAdded={(email) => {
            setAdding(false);
            setSentTo(email);
          }}
          onCancel={() => setAdding(false)}
        />
      ) : (
        <Group>
          <Button
            variant="light"
            leftSection={<IconPlus size={16} />}
            h="auto"
            mih={36}
            py={6}
            maw="100%"
            styles={{ label: { whiteSpace: 'normal' } }}
            onClick={() => {
              setSentTo(null);
              setAdding(true);
            }}
          >
            {t('emails.add')}
          </Button>
        </Group>
      )}
      <MakePrimaryModal email={promoting} onClose={() => setPromoting(null)} />
      <ConfirmModal
        opened={removing !== null}
        title={t('emails.removeTitle')}
        message={t('emails.removeBody', { email: removing?.email ?? '' })}
        danger
        confirmLabel={t('emails.remove')}
        loading={remove.isPending}
        onClose={() => setRemoving(null)}
        onConfirm={() =>
          removing &&
          remove.mutate(removing.id, {
            onSuccess: () => {
              notifications.show({ color: 'teal', message: t('emails.removed') });
              setRemoving(null);
            },
            onError: (error) => notifications.show({ color: 'red', message: describeError(error, t) }),
          })
        }
      />
    </Stack>
  );
}
