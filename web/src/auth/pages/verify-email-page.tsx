import { Title } from '@mantine/core';

// Placeholder: replaced by the feature's real page.
export function VerifyEmailPage() {
  return <Title order={2}>VerifyEmailPage</Title>;
}
