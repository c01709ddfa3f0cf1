import { useState } from 'react';
import { Badge, Button, Group, Paper, Select } from '@mantine/core';
import { IconRefresh, IconStars } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { SettingsListPage } from '../../../settings/components/settings-list-page';
import { ConfirmRemoveModal } from '../../../settings/components/confirm-remove-modal';
import { notifySuccess } from '../../../settings/components/feedback';
import { RuleRow } from '../../components/rule-row';
import { useModules } from '../../../records/hooks/use-records';
import { SCORED_MODULES, useDeleteScoringRule, useRecalculateScores, useScoringRules, type ScoringRule } from '../api';
import { ScoringRuleEditor } from '../components/scoring-rule-editor';
import { signed } from '../format';

/** Settings › Automation › Scoring rules: every module's rules (their points add up), and "Recalculate all". */
export function ScoringRulesPage() {
  const { t } = useTranslation('automation');
  const rules = useScoringRules();
  const modules = useModules();
  const remove = useDeleteScoringRule();
  const recalculate = useRecalculateScores();
  const [editing, setEditing] = useState<{ rule: ScoringRule | null } | null>(null);
  const [deleting, setDeleting] = useState<ScoringRule | null>(null);
  const [recalcModule, setRecalcModule] = useState<string | null>('leads');

  const moduleLabel = (apiName: string) => modules.data?.find((m) => m.apiName === apiName)?.pluralLabel ?? apiName;
  const summary = (rule: ScoringRule) =>
    [
      ...rule.fieldRules.map((entry) => t('scoring.summaryField', { points: signed(entry.points) })),
      ...rule.touchpointRules.map((entry) =>
        t('scoring.summaryTouchpoint', { event: t(`scoring.events.${entry.event}`), points: signed(entry.points) }),
      ),
    ].join(' · ');

  return (
    <>
      <SettingsListPage
        title={t('scoring.title')}
        description={t('scoring.description')}
        query={rules}
        createLabel={t('scoring.create')}
        onCreate={() => setEditing({ rule: null })}
        empty={{ icon: <IconStars size={28} />, title: t('scoring.emptyTitle'), body: t('scoring.emptyBody') }}
      >
        {(list) => (
          <>
            <Paper withBorder radius="md" role="list" aria-label={t('scoring.title')}>
              {list.map((rule, index) => (
                <RuleRow
                  key={rule.id}
                  name={rule.name}
                  active={rule.active}
                  badges={
                    <Badge variant="light" color="gray" tt="none">
                      {moduleLabel(rule.module)}
                    </Badge>
                  }
                  summary={summary(rule)}
                  first={index === 0}
                  testId="scoring-rule-row"
                  onEdit={() => setEditing({ rule })}
                  onDelete={() => {
                    remove.reset();
                    setDeleting(rule);
                  }}
                />
              ))}
            </Paper>
            <Group mt="md" gap="xs" align="flex-end">
              <Select
                label={t('scoring.recalculateModule')}
                data={SCORED_MODULES.map((apiName) => ({ value: apiName, label: moduleLabel(apiName) }))}
                value={recalcModule}
                onChange={setRecalcModule}
                allowDeselect={false}
                w={220}
              />
              <Button
                variant="default"
                leftSection={<IconRefresh size={16} />}
                loading={recalculate.isPending}
                disabled={!recalcModule}
                onClick={() =>
                  recalculate.mutate(recalcModule!, {
                    onSuccess: () => notifySuccess(t('scoring.recalculating', { module: moduleLabel(recalcModule!) })),
                  })
                }
              >
                {t('scoring.recalculate')}
              </Button>
            </Group>
          </>
        )}
      </SettingsListPage>
      <ScoringRuleEditor rule={editing?.rule ?? null} opened={editing !== null} onClose={() => setEditing(null)} />
      <ConfirmRemoveModal
        item={deleting}
        remove={remove}
        title={t('scoring.deleteTitle', { name: deleting?.name ?? '' })}
        message={t('scoring.deleteBody')}
        doneMessage={t('scoring.deleted', { name: deleting?.name ?? '' })}
        onClose={() => setDeleting(null)}
      />
    </>
  );
}
