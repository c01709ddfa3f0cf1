import { Box, Center, Group, Paper, Stack, Text, Title } from '@mantine/core';
import { Outlet } from '@tanstack/react-router';
import { useTranslation } from 'react-i18next';
import { LanguagePicker } from '../../components/language-picker';

/** A centred card on a quiet background, for sign-in, set-up and the e-mailed links. */
export function PublicLayout() {
  const { t } = useTranslation();
  return (
    <Box mih="100vh" bg="gray.0">
      <Group justify="flex-end" p="md">
        <LanguagePicker />
      </Group>
      <Center pb="xl">
        <Stack w={420} maw="92vw" gap="lg">
          <Stack gap={0} align="center">
            <Title order={1} c="blue.7">
              {t('appName')}
            </Title>
            <Text c="dimmed" size="sm">
              {t('tagline')}
            </Text>
          </Stack>
          <Paper withBorder shadow="sm" p="xl" radius="md">
            <Outlet />
          </Paper>
        </Stack>
      </Center>
    </Box>
  );
}
