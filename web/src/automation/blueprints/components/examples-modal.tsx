import { Alert, Button, Group, Paper, Stack, Text } from '@mantine/core';
import { IconDownload } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { errorMessage } from '../../../app/errors';
import { AppModal } from '../../../components/app-modal';
import { notifySuccess } from '../../../settings/components/feedback';
import { useBlueprintExamples, useInstallBlueprintExample } from '../api';

/** "Examples": ready-made Blueprints (the lead qualification) installed with one click. */
export function ExamplesModal({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  const { t } = useTranslation('automationBlueprints');
  const examples = useBlueprintExamples(opened);
  const install = useInstallBlueprintExample();
  return (
    <AppModal opened={opened} onClose={onClose} title={t('examplesTitle')} size="lg">
      <Stack>
        {examples.isError && <Alert color="red">{errorMessage(examples.error, t)}</Alert>}
        {examples.data?.length === 0 && <Text c="dimmed">{t('noExamples')}</Text>}
        {examples.data?.map((example) => (
          <Paper key={example.key} withBorder radius="md" p="md" data-testid="blueprint-example">
            <Group justify="space-between" wrap="nowrap" align="flex-start">
              <Stack gap={4}>
                <Text fw={600}>{example.name}</Text>
                {example.description && (
                  <Text size="sm" c="dimmed">
                    {example.description}
                  </Text>
                )}
              </Stack>
              <Button
                leftSection={<IconDownload size={16} />}
                aria-label={t('installNamed', { name: example.name })}
                loading={install.isPending && install.variables === example.key}
                onClick={() =>
                  install.mutate(example.key, {
                    onSuccess: (blueprint) => {
                      notifySuccess(t(blueprint.enabled ? 'installedEnabled' : 'installedDisabled', { name: blueprint.name }));
                      onClose();
                    },
                  })
                }
              >
                {t('install')}
              </Button>
            </Group>
          </Paper>
        ))}
        {install.error && (
          <Alert color="red" role="alert">
            {errorMessage(install.error, t)}
          </Alert>
        )}
      </Stack>
    </AppModal>
  );
}
