import { Title } from '@mantine/core';

// Placeholder: replaced by the feature's real page.
export function SetupPage() {
  return <Title order={2}>SetupPage</Title>;
}
