import { Title } from '@mantine/core';

// Placeholder: replaced by the feature's real page.
export function AccountPage() {
  return <Title order={2}>AccountPage</Title>;
}
