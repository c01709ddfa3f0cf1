import { useState } from 'react';
import { Alert, Button, Group, Stack, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { errorMessage } from '../../app/errors';
import { AppModal } from '../../components/app-modal';
import { useTestRule, type WorkflowRule } from '../api';
import type { Field } from '../../records/api';
import { LookupSelect } from '../../records/components/field-input';
import { useFormatContext } from '../../records/components/field-value';
import { formatValue, type FormatContext } from '../../records/format';
import { useModule } from '../../records/hooks/use-records';
import { OutcomeBadge, outcomeReason } from './execution-log-modal';

/** "Test on a record": what the rule would do to it now; nothing is changed or sent. */
export function TestRuleModal({ rule, onClose }: { rule: WorkflowRule | null; onClose: () => void }) {
  const { t } = useTranslation('automation');
  return (
    <AppModal opened={rule !== null} onClose={onClose} title={t('testNamed', { name: rule?.name ?? '' })} size="lg">
      {rule && <TestRun rule={rule} />}
    </AppModal>
  );
}

function TestRun({ rule }: { rule: WorkflowRule }) {
  const { t } = useTranslation('automation');
  const test = useTestRule();
  const fields = useModule(rule.module).data?.fields;
  const context = useFormatContext();
  const [recordId, setRecordId] = useState<string | null>(null);
  const [missing, setMissing] = useState(false);
  const result = test.data;
  return (
    <Stack>
      <form
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          setMissing(!recordId);
          if (recordId) test.mutate({ id: rule.id, recordId });
        }}
      >
        <Group align="flex-end">
          <div style={{ flex: 1 }}>
            <LookupSelect
              target={rule.module}
              label={t('testRun.record')}
              description={t('testRun.recordHint')}
              value={recordId}
              onChange={(next) => {
                setRecordId(next);
                if (next) setMissing(false);
              }}
              error={missing ? t('testRun.noRecord') : undefined}
            />
          </div>
          <Button type="submit" loading={test.isPending}>
            {t('testRun.run')}
          </Button>
        </Group>
      </form>
      {test.isError && (
        <Alert color="red" role="alert">
          {errorMessage(test.error, t)}
        </Alert>
      )}
      {result && (
        <Stack gap="xs" data-testid="test-result">
          <Text size="sm">{result.matched ? t('testRun.matched') : t('testRun.notMatched')}</Text>
          {[...result.actions, ...result.scheduled].map((outcome, index) => (
            <Group key={index} gap="xs" wrap="nowrap" align="flex-start">
              <OutcomeBadge outcome={outcome} />
              <Text size="xs" c="dimmed" style={{ wordBreak: 'break-word' }}>
                {outcome.error ?? outcomeReason(outcome.detail, t) ?? describe(outcome.detail, fields, context)}
              </Text>
            </Group>
          ))}
        </Stack>
      )}
    </Stack>
  );
}

/**
 * The useful facts of an outcome, in one line: field from → to (its label and values as the record page shows them),
 * recipients and subject, due time…
 */
function describe(detail: Record<string, unknown> | undefined, fields: Field[] | undefined, context: FormatContext): string {
  if (!detail) return '';
  if ('field' in detail) {
    const field = fields?.find((candidate) => candidate.apiName === detail.field);
    const shown = (value: unknown) => (field ? formatValue(field, value, context) || '—' : JSON.stringify(value));
    return `${field?.label ?? String(detail.field)}: ${shown(detail.from)} → ${shown(detail.to)}`;
  }
  if ('to' in detail && Array.isArray(detail.to)) return `${detail.to.join(', ')} — ${String(detail.subject ?? '')}`;
  if ('dueAt' in detail) return new Date(String(detail.dueAt)).toLocaleString();
  if ('url' in detail) return String(detail.url);
  if ('subject' in detail) return String(detail.subject);
  return '';
}
