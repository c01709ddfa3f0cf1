import { ActionIcon, Anchor, FileButton, Button, Group, Paper, Stack, Text, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconPaperclip, IconTrash } from '@tabler/icons-react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, apiUpload } from '../../app/api';
import { errorMessage } from '../../app/errors';
import { recordsKeys } from '../hooks/use-records';

interface Attachment {
  id: string;
  name: string;
  contentType: string;
  sizeBytes: number;
  createdAt: string;
}

const sizeText = (bytes: number, language: string) =>
  new Intl.NumberFormat(language, { style: 'unit', unit: bytes >= 1_048_576 ? 'megabyte' : 'kilobyte', maximumFractionDigits: 1 }).format(
    bytes >= 1_048_576 ? bytes / 1_048_576 : Math.max(0.1, bytes / 1024),
  );

/** The files of a record: download for whoever sees it, attach and remove for whoever may edit it. */
export function AttachmentsPanel({ module, id, canEdit }: { module: string; id: string; canEdit: boolean }) {
  const { t, i18n } = useTranslation('records');
  const client = useQueryClient();
  const base = `/records/${module}/${id}/attachments`;
  const key = ['records', module, id, 'attachments'];
  const list = useQuery({ queryKey: key, queryFn: () => api.get<{ data: Attachment[] }>(base) });
  const refresh = () => {
    void client.invalidateQueries({ queryKey: key });
    void client.invalidateQueries({ queryKey: recordsKeys.timeline(module, id) });
  };
  const upload = useMutation({
    mutationFn: (file: File) => {
      const form = new FormData();
      form.append('file', file, file.name);
      return apiUpload<Attachment>(base, form);
    },
    onSuccess: () => {
      notifications.show({ color: 'green', message: t('record.attachDone') });
      refresh();
    },
    onError: (error) => notifications.show({ color: 'red', message: errorMessage(error, t) }),
  });
  const remove = useMutation({
    mutationFn: (fileId: string) => api.delete(`${base}/${fileId}`),
    onSuccess: refresh,
    onError: (error) => notifications.show({ color: 'red', message: errorMessage(error, t) }),
  });
  const files = list.data?.data ?? [];

  return (
    <Paper withBorder radius="md" p="md" component="section" aria-label={t('record.attachments')}>
      <Group justify="space-between" mb="sm">
        <Title order={4}>{t('record.attachments')}</Title>
        {canEdit && (
          <FileButton onChange={(file) => file && upload.mutate(file)}>
            {(props) => (
              <Button {...props} size="xs" variant="default" leftSection={<IconPaperclip size={14} />} loading={upload.isPending}>
                {t('record.attach')}
              </Button>
            )}
          </FileButton>
        )}
      </Group>
      {files.length === 0 ? (
        <Text size="sm" c="dimmed">
          {t('record.noAttachments')}
        </Text>
      ) : (
        <Stack gap={4}>
          {files.map((file) => (
            <Group key={file.id} justify="space-between" wrap="nowrap">
              <Anchor href={`/api/v1${base}/${file.id}`} size="sm" download={file.name}>
                {file.name}
              </Anchor>
              <Group gap={4} wrap="nowrap">
                <Text size="xs" c="dimmed">
                  {sizeText(file.sizeBytes, i18n.language)}
                </Text>
                {canEdit && (
                  <ActionIcon
                    variant="subtle"
                    color="red"
                    aria-label={t('record.removeFile', { name: file.name })}
                    onClick={() => remove.mutate(file.id)}
                  >
                    <IconTrash size={14} />
                  </ActionIcon>
                )}
              </Group>
            </Group>
          ))}
        </Stack>
      )}
    </Paper>
  );
}
