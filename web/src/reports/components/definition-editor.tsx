import {
  ActionIcon,
  Button,
  Group,
  MultiSelect,
  NumberInput,
  Paper,
  SegmentedControl,
  Select,
  Stack,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { IconPlus, IconTrash } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import type { Field } from '../../records/api';
import { useModules } from '../../records/hooks/use-records';
import {
  AGGREGATE_FNS,
  CHART_TYPES,
  DATE_BUCKETS,
  type Aggregate,
  type AggregateFn,
  type ChartType,
  type DateBucket,
  type Formula,
  type Grouping,
  type ReportDefinition,
  type ReportType,
  type ValueFormat,
} from '../api';
import { isDateField, isGroupable, isNumericField, useReportFields } from '../hooks/use-report-fields';
import { FilterButton } from './filter-button';
import { PeriodSelect } from './period-select';

type Change = (patch: Partial<ReportDefinition>) => void;

/** A key for a new aggregate: `sum_amount`, `count`, `count_2`… never one already taken. */
export function aggregateKey(prefix: string, field: string | undefined, taken: string[]): string {
  const base = (field ? `${prefix}_${field}` : prefix).replace(/[^a-z0-9_]/gi, '_').toLowerCase();
  let key = base;
  for (let n = 2; taken.includes(key); n++) key = `${base}_${n}`;
  return key;
}

/** Select options without repeats (a field grouped twice): Mantine refuses duplicate values. */
const uniqueOptions = (options: Array<{ value: string; label: string }>) =>
  options.filter((option, index) => options.findIndex((other) => other.value === option.value) === index);

const fieldOptions = (fields: Field[]) => fields.map((field) => ({ value: field.apiName, label: field.label }));

/** The report builder's form: module, type, columns, filter, period, groupings, aggregates, formulas, chart, sort. */
export function DefinitionEditor({ definition, onChange }: { definition: ReportDefinition; onChange: Change }) {
  const { t } = useTranslation('reports');
  const modules = useModules();
  const { all, own, module: detail } = useReportFields(definition.module);
  const dateFields = all.filter(isDateField);
  const keys = [...(definition.aggregates ?? []).map((entry) => entry.key), ...(definition.formulas ?? []).map((entry) => entry.key)];
  const labelOfField = (apiName: string | undefined) => all.find((field) => field.apiName === apiName)?.label ?? apiName ?? '';
  // What people read for a value: its label, else "Sum · Amount".
  const valueOptions = [
    ...(definition.aggregates ?? []).map((entry) => ({
      value: entry.key,
      label:
        entry.label ||
        [t(`fns.${entry.fn}`), entry.field ? labelOfField(entry.field) : null, entry.filter ? `(${entry.key})` : null]
          .filter(Boolean)
          .join(' · '),
    })),
    ...(definition.formulas ?? []).map((entry) => ({ value: entry.key, label: entry.label || entry.expression || entry.key })),
  ];

  /** New aggregates; a key that changed with its function or field is renamed where the chart and sort use it. */
  function changeAggregates(aggregates: Aggregate[]) {
    const before = definition.aggregates ?? [];
    const renamed = new Map(before.length === aggregates.length ? before.map((old, i) => [old.key, aggregates[i]!.key] as const) : []);
    const rename = (key: string | undefined) => (key === undefined ? undefined : (renamed.get(key) ?? key));
    const remaining = new Set([...aggregates.map((entry) => entry.key), ...(definition.formulas ?? []).map((entry) => entry.key)]);
    const chartValue = rename(definition.chart?.value);
    onChange({
      aggregates,
      ...(definition.chart
        ? { chart: { ...definition.chart, value: chartValue && remaining.has(chartValue) ? chartValue : undefined } }
        : {}),
      sort: (definition.sort ?? []).map((entry) => ({ ...entry, by: rename(entry.by)! })),
    });
  }

  function changeType(type: ReportType) {
    const patch: Partial<ReportDefinition> = { type, sort: [] };
    if (type !== 'tabular' && !definition.groupBy?.length) {
      const first = own.find((field) => field.type === 'picklist') ?? own.find(isGroupable);
      patch.groupBy = first ? [{ field: first.apiName }] : [];
    }
    if (type !== 'tabular' && !definition.aggregates?.length) patch.aggregates = [{ key: 'count', fn: 'count' }];
    if (type === 'matrix' && !definition.columnGroupBy?.length) {
      const second = own.find((field) => field.type === 'user') ?? own.find(isGroupable);
      patch.columnGroupBy = second ? [{ field: second.apiName }] : [];
    }
    if (type === 'tabular' && !definition.columns?.length) {
      // The first fields of the record page's layout (name, account, amount…), not the system ones.
      const visible = new Set(own.map((field) => field.apiName));
      const layout = (detail.data?.layout ?? []).flatMap((section) => section.fields).filter((name) => visible.has(name));
      patch.columns = (layout.length ? layout : own.map((field) => field.apiName)).slice(0, 5);
    }
    onChange(patch);
  }

  return (
    <Stack gap="md">
      <Group grow align="flex-end">
        <Select
          label={t('builder.module')}
          searchable
          allowDeselect={false}
          data={(modules.data ?? []).map((module) => ({ value: module.apiName, label: module.pluralLabel }))}
          value={definition.module}
          onChange={(module) =>
            module &&
            onChange({
              module,
              columns: [],
              filter: undefined,
              period: undefined,
              groupBy: [],
              columnGroupBy: [],
              aggregates: [{ key: 'count', fn: 'count' }],
              formulas: [],
              sort: [],
            })
          }
        />
      </Group>
      <SegmentedControl
        aria-label={t('builder.type')}
        value={definition.type}
        onChange={(value) => changeType(value as ReportType)}
        data={(['tabular', 'summary', 'matrix'] as ReportType[]).map((type) => ({ value: type, label: t(`types.${type}`) }))}
      />
      {definition.type === 'tabular' && (
        <MultiSelect
          label={t('builder.columns')}
          searchable
          data={fieldOptions(all)}
          value={definition.columns ?? []}
          onChange={(columns) => onChange({ columns })}
        />
      )}
      <Group gap="xs">
        <FilterButton
          fields={all}
          value={definition.filter}
          onChange={(filter) => onChange({ filter })}
          label={(count) => t('builder.filter', { count })}
          title={t('builder.filterTitle')}
        />
      </Group>
      <Group gap="xs" align="flex-end" wrap="nowrap">
        <Select
          label={t('builder.periodField')}
          w={190}
          clearable
          placeholder={t('builder.noPeriod')}
          data={fieldOptions(dateFields)}
          value={definition.period?.field ?? null}
          onChange={(field) => onChange({ period: field ? { field, range: definition.period?.range ?? 'this_fiscal_year' } : undefined })}
        />
        {definition.period && (
          <PeriodSelect
            label={t('builder.periodRange')}
            noneLabel={t('ranges.all')}
            value={definition.period.range}
            onChange={(range) => onChange({ period: range ? { field: definition.period!.field, range } : undefined })}
          />
        )}
      </Group>
      {definition.type !== 'tabular' && (
        <GroupingsEditor
          title={definition.type === 'matrix' ? t('builder.rows') : t('builder.groupBy')}
          fields={all.filter(isGroupable)}
          value={definition.groupBy ?? []}
          max={definition.type === 'matrix' ? 2 : 3}
          onChange={(groupBy) => onChange({ groupBy })}
        />
      )}
      {definition.type === 'matrix' && (
        <GroupingsEditor
          title={t('builder.columnsAcross')}
          fields={all.filter(isGroupable)}
          value={definition.columnGroupBy ?? []}
          max={2}
          onChange={(columnGroupBy) => onChange({ columnGroupBy })}
        />
      )}
      {definition.type !== 'tabular' && (
        <>
          <AggregatesEditor fields={all} value={definition.aggregates ?? []} onChange={changeAggregates} />
          <FormulasEditor
            keys={(definition.aggregates ?? []).map((entry) => entry.key)}
            value={definition.formulas ?? []}
            onChange={(formulas) => onChange({ formulas })}
          />
          <Group grow align="flex-end">
            <Select
              label={t('builder.chart')}
              clearable
              placeholder={t('builder.noChart')}
              data={CHART_TYPES.map((type) => ({ value: type, label: t(`charts.${type}`) }))}
              value={definition.chart?.type ?? null}
              onChange={(type) => onChange({ chart: type ? { ...definition.chart, type: type as ChartType } : undefined })}
            />
            <Select
              label={t('builder.chartValue')}
              disabled={!definition.chart}
              data={valueOptions}
              value={definition.chart?.value ?? keys[0] ?? null}
              onChange={(value) => definition.chart && onChange({ chart: { ...definition.chart, value: value ?? undefined } })}
            />
          </Group>
        </>
      )}
      <Group align="flex-end" wrap="nowrap">
        <Select
          label={t('builder.sortBy')}
          style={{ flex: 1, minWidth: 160 }}
          clearable
          data={uniqueOptions(
            definition.type === 'tabular'
              ? (definition.columns ?? []).map((column) => ({ value: column, label: labelOfField(column) }))
              : [...(definition.groupBy ?? []).map((group) => ({ value: group.field, label: labelOfField(group.field) })), ...valueOptions],
          )}
          value={definition.sort?.[0]?.by ?? null}
          onChange={(by) => onChange({ sort: by ? [{ by, direction: definition.sort?.[0]?.direction ?? 'desc' }] : [] })}
        />
        <SegmentedControl
          disabled={!definition.sort?.[0]}
          value={definition.sort?.[0]?.direction ?? 'desc'}
          onChange={(direction) =>
            definition.sort?.[0] && onChange({ sort: [{ by: definition.sort[0].by, direction: direction as 'asc' | 'desc' }] })
          }
          data={[
            { value: 'asc', label: t('builder.asc') },
            { value: 'desc', label: t('builder.desc') },
          ]}
        />
        {definition.type === 'tabular' && (
          <NumberInput
            label={t('builder.limit')}
            w={130}
            min={1}
            max={10000}
            value={definition.limit ?? 1000}
            onChange={(value) => onChange({ limit: Number(value) || 1000 })}
          />
        )}
      </Group>
    </Stack>
  );
}

function GroupingsEditor({
  title,
  fields,
  value,
  max,
  onChange,
}: {
  title: string;
  fields: Field[];
  value: Grouping[];
  max: number;
  onChange: (value: Grouping[]) => void;
}) {
  const { t } = useTranslation('reports');
  const set = (index: number, next: Grouping | null) =>
    onChange(next ? value.map((old, i) => (i === index ? next : old)) : value.filter((_, i) => i !== index));
  return (
    <Stack gap={6}>
      <Title order={6}>{title}</Title>
      {value.map((grouping, index) => {
        const field = fields.find((candidate) => candidate.apiName === grouping.field);
        return (
          <Group key={index} gap="xs" wrap="nowrap" data-testid="report-grouping">
            <Select
              aria-label={t('builder.groupField', { n: index + 1, title })}
              searchable
              allowDeselect={false}
              style={{ flex: 1 }}
              data={fieldOptions(fields)}
              value={grouping.field}
              onChange={(apiName) => {
                const next = fields.find((candidate) => candidate.apiName === apiName);
                if (next) set(index, { field: next.apiName, ...(isDateField(next) ? { bucket: 'month' as DateBucket } : {}) });
              }}
            />
            {field && isDateField(field) && (
              <Select
                aria-label={t('builder.bucket', { n: index + 1, title })}
                w={150}
                allowDeselect={false}
                data={DATE_BUCKETS.map((bucket) => ({ value: bucket, label: t(`buckets.${bucket}`) }))}
                value={grouping.bucket ?? 'month'}
                onChange={(bucket) => bucket && set(index, { ...grouping, bucket: bucket as DateBucket })}
              />
            )}
            <ActionIcon
              variant="subtle"
              color="red"
              aria-label={t('builder.removeGrouping')}
              onClick={() => set(index, null)}
              disabled={value.length === 1 && index === 0}
            >
              <IconTrash size={16} />
            </ActionIcon>
          </Group>
        );
      })}
      {value.length < max && fields[0] && (
        <Button
          size="xs"
          variant="subtle"
          leftSection={<IconPlus size={14} />}
          w="fit-content"
          onClick={() => onChange([...value, { field: fields[0]!.apiName }])}
        >
          {t('builder.addGrouping')}
        </Button>
      )}
    </Stack>
  );
}

function AggregatesEditor({ fields, value, onChange }: { fields: Field[]; value: Aggregate[]; onChange: (value: Aggregate[]) => void }) {
  const { t } = useTranslation('reports');
  const set = (index: number, next: Aggregate | null) =>
    onChange(next ? value.map((old, i) => (i === index ? next : old)) : value.filter((_, i) => i !== index));
  const numeric = fields.filter(isNumericField);
  const taken = value.map((entry) => entry.key);
  return (
    <Stack gap={6}>
      <Title order={6}>{t('builder.aggregates')}</Title>
      {value.map((aggregate, index) => {
        const candidates = aggregate.fn === 'count' ? [] : aggregate.fn === 'count_distinct' ? fields : numeric;
        return (
          <Paper key={index} withBorder p="xs" radius="sm" data-testid="report-aggregate">
            <Stack gap={6}>
              <Group gap="xs" wrap="nowrap" align="flex-start">
                <Select
                  aria-label={t('builder.aggregateFn', { n: index + 1 })}
                  w={130}
                  allowDeselect={false}
                  data={AGGREGATE_FNS.map((fn) => ({ value: fn, label: t(`fns.${fn}`) }))}
                  value={aggregate.fn}
                  onChange={(fn) => {
                    if (!fn) return;
                    const next = fn as AggregateFn;
                    const field =
                      next === 'count' ? undefined : (aggregate.field ?? (next === 'count_distinct' ? fields[0] : numeric[0])?.apiName);
                    set(index, {
                      ...aggregate,
                      fn: next,
                      field,
                      key: aggregateKey(
                        next,
                        field,
                        taken.filter((key) => key !== aggregate.key),
                      ),
                    });
                  }}
                />
                {aggregate.fn !== 'count' && (
                  <Select
                    aria-label={t('builder.aggregateField', { n: index + 1 })}
                    searchable
                    style={{ flex: 1 }}
                    allowDeselect={false}
                    data={fieldOptions(candidates)}
                    value={aggregate.field ?? null}
                    onChange={(field) =>
                      field &&
                      set(index, {
                        ...aggregate,
                        field,
                        key: aggregateKey(
                          aggregate.fn,
                          field,
                          taken.filter((key) => key !== aggregate.key),
                        ),
                      })
                    }
                  />
                )}
                <ActionIcon
                  variant="subtle"
                  color="red"
                  mt={4}
                  aria-label={t('builder.removeAggregate')}
                  onClick={() => set(index, null)}
                  disabled={value.length === 1}
                >
                  <IconTrash size={16} />
                </ActionIcon>
              </Group>
              <Group gap="xs" wrap="nowrap">
                <TextInput
                  aria-label={t('builder.aggregateLabel', { n: index + 1 })}
                  placeholder={t('builder.label')}
                  style={{ flex: 1 }}
                  value={aggregate.label ?? ''}
                  onChange={(event) => set(index, { ...aggregate, label: event.currentTarget.value || undefined })}
                />
                <FilterButton
                  size="xs"
                  fields={fields}
                  value={aggregate.filter}
                  onChange={(filter) => set(index, { ...aggregate, filter })}
                  label={(count) => t('builder.condition', { count })}
                  title={t('builder.conditionTitle', { n: index + 1 })}
                />
              </Group>
            </Stack>
          </Paper>
        );
      })}
      <Button
        size="xs"
        variant="subtle"
        leftSection={<IconPlus size={14} />}
        w="fit-content"
        onClick={() => {
          const field = numeric[0]?.apiName;
          onChange([
            ...value,
            field
              ? { key: aggregateKey('sum', field, taken), fn: 'sum', field }
              : { key: aggregateKey('count', undefined, taken), fn: 'count' },
          ]);
        }}
      >
        {t('builder.addAggregate')}
      </Button>
    </Stack>
  );
}

function FormulasEditor({ keys, value, onChange }: { keys: string[]; value: Formula[]; onChange: (value: Formula[]) => void }) {
  const { t } = useTranslation('reports');
  const set = (index: number, next: Formula | null) =>
    onChange(next ? value.map((old, i) => (i === index ? next : old)) : value.filter((_, i) => i !== index));
  return (
    <Stack gap={6}>
      <Title order={6}>{t('builder.formulas')}</Title>
      {value.length > 0 && (
        <Text size="xs" c="dimmed">
          {t('builder.formulaHint', { keys: keys.join(', ') })}
        </Text>
      )}
      {value.map((formula, index) => (
        <Paper key={index} withBorder p="xs" radius="sm" data-testid="report-formula">
          <Stack gap={6}>
            <Group gap="xs" wrap="nowrap">
              <TextInput
                aria-label={t('builder.formulaLabel', { n: index + 1 })}
                placeholder={t('builder.label')}
                style={{ flex: 1 }}
                value={formula.label ?? ''}
                onChange={(event) => set(index, { ...formula, label: event.currentTarget.value || undefined })}
              />
              <Select
                aria-label={t('builder.formulaFormat', { n: index + 1 })}
                w={130}
                allowDeselect={false}
                data={(['number', 'percent', 'currency'] as ValueFormat[]).map((format) => ({
                  value: format,
                  label: t(`formats.${format}`),
                }))}
                value={formula.format ?? 'number'}
                onChange={(format) => format && set(index, { ...formula, format: format as ValueFormat })}
              />
              <ActionIcon variant="subtle" color="red" aria-label={t('builder.removeFormula')} onClick={() => set(index, null)}>
                <IconTrash size={16} />
              </ActionIcon>
            </Group>
            <TextInput
              aria-label={t('builder.formulaExpression', { n: index + 1 })}
              placeholder="won / closed"
              ff="monospace"
              value={formula.expression}
              onChange={(event) => set(index, { ...formula, expression: event.currentTarget.value })}
            />
          </Stack>
        </Paper>
      ))}
      <Button
        size="xs"
        variant="subtle"
        leftSection={<IconPlus size={14} />}
        w="fit-content"
        onClick={() =>
          onChange([
            ...value,
            { key: aggregateKey('formula', undefined, [...keys, ...value.map((entry) => entry.key)]), expression: '', format: 'number' },
          ])
        }
      >
        {t('builder.addFormula')}
      </Button>
    </Stack>
  );
}
