import { Title } from '@mantine/core';

// Placeholder: replaced by the feature's real page.
export function SignUpPage() {
  return <Title order={2}>SignUpPage</Title>;
}
