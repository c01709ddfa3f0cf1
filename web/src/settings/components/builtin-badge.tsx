import { Badge } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { Profile } from '../hooks/use-profiles';

/** "Built-in" or "Custom", so admins know which profiles they cannot delete. */
export function BuiltinBadge({ profile }: { profile: Profile }) {
  const { t } = useTranslation('settings');
  return profile.builtin ? (
    <Badge variant="light" color="blue">
      {t('profiles.builtin')}
    </Badge>
  ) : (
    <Badge variant="light" color="gray">
      {t('profiles.custom')}
    </Badge>
  );
}
