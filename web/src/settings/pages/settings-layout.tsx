import { Title } from '@mantine/core';

// Placeholder: replaced by the feature's real page.
export function SettingsLayout() {
  return <Title order={2}>SettingsLayout</Title>;
}
