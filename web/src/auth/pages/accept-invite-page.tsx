import { Title } from '@mantine/core';

// Placeholder: replaced by the feature's real page.
export function AcceptInvitePage() {
  return <Title order={2}>AcceptInvitePage</Title>;
}
