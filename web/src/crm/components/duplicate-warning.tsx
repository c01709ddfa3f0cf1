import { Alert, Anchor, Button, Group, List, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { DuplicateMatch } from '../hooks/use-crm';

/**
 * The records a new or edited record looks like (a 409 `duplicate` answer's
 * `details.matches`, or POST …/duplicates), with a way to merge them.
 */
export function DuplicateWarning({ module, matches, currentId }: { module: string; matches: DuplicateMatch[]; currentId?: string }) {
  const { t } = useTranslation('crm');
  if (matches.length === 0) return null;
  const ids = [...(currentId ? [currentId] : []), ...matches.map((m) => m.id)].slice(0, 3);
  return (
    <Alert color="yellow" title={t('duplicates.warningTitle')} data-testid="duplicate-warning">
      <Text size="sm">{t('duplicates.warningBody')}</Text>
      <List size="sm" mt={4}>
        {matches.map((match) => (
          <List.Item key={match.id}>
            <Anchor href={`/records/${module}/${match.id}`}>{match.name}</Anchor> (
            {match.rules.map((rule) => t(`duplicates.rules.${rule}`, { defaultValue: rule })).join(', ')})
          </List.Item>
        ))}
      </List>
      {ids.length >= 2 && (
        <Group mt="sm">
          <Button size="xs" variant="light" component="a" href={`/records/${module}/merge?ids=${ids.join(',')}`}>
            {t('duplicates.merge')}
          </Button>
        </Group>
      )}
    </Alert>
  );
}
