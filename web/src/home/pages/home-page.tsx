import { Title } from '@mantine/core';

// Placeholder: replaced by the feature's real page.
export function HomePage() {
  return <Title order={2}>HomePage</Title>;
}
