import { Badge, NavLink } from '@mantine/core';
import { IconChecklist } from '@tabler/icons-react';
import { Link } from '@tanstack/react-router';
import { useTranslation } from 'react-i18next';
import { useApprovalInbox } from '../api';

/** The menu's "Approvals" entry, with the number of approvals waiting for me. */
export function ApprovalsNavLink({ active, onClick }: { active: boolean; onClick: () => void }) {
  const { t } = useTranslation('automation');
  const inbox = useApprovalInbox('pending');
  const count = inbox.data?.pendingCount ?? 0;
  return (
    <NavLink
      component={Link}
      to="/approvals"
      label={t('approvals.inbox.title')}
      leftSection={<IconChecklist size={18} />}
      rightSection={
        count > 0 ? (
          <Badge size="sm" circle color="red" aria-label={t('approvals.inbox.pendingCount', { count })} data-testid="approvals-badge">
            {count}
          </Badge>
        ) : null
      }
      active={active}
      onClick={onClick}
    />
  );
}
