import { Title } from '@mantine/core';

// Placeholder: replaced by the feature's real page.
export function ResetPasswordPage() {
  return <Title order={2}>ResetPasswordPage</Title>;
}
