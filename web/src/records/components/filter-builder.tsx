import { useState } from 'react';
import { ActionIcon, Button, Group, MultiSelect, Paper, SegmentedControl, Select, Stack, TagsInput, Text } from '@mantine/core';
import { IconPlus, IconTrash } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import type { Condition, Field, FieldType, FilterNode, FilterOp } from '../api';
import { labelOf } from '../format';
import { FieldInput } from './field-input';

type Family = 'text' | 'number' | 'date' | 'datetime' | 'boolean' | 'code' | 'codes' | 'id';

const TEXT_OPS: FilterOp[] = ['eq', 'neq', 'contains', 'starts_with', 'in', 'nin', 'is_empty', 'is_not_empty'];
const ORDERED_OPS: FilterOp[] = ['eq', 'neq', 'lt', 'lte', 'gt', 'gte', 'between', 'is_empty', 'is_not_empty'];
const OPS: Record<Family, FilterOp[]> = {
  text: TEXT_OPS,
  number: ORDERED_OPS,
  date: ORDERED_OPS,
  datetime: ORDERED_OPS,
  boolean: ['eq', 'neq', 'is_empty', 'is_not_empty'],
  code: ['eq', 'neq', 'in', 'nin', 'is_empty', 'is_not_empty'],
  codes: ['in', 'nin', 'contains', 'eq', 'is_empty', 'is_not_empty'],
  id: ['eq', 'neq', 'is_empty', 'is_not_empty'],
};

export function familyOf(type: FieldType, returnType?: FieldType): Family {
  switch (type) {
    case 'integer':
    case 'decimal':
    case 'currency':
    case 'percent':
    case 'rollup':
      return 'number';
    case 'date':
      return 'date';
    case 'datetime':
      return 'datetime';
    case 'boolean':
      return 'boolean';
    case 'picklist':
      return 'code';
    case 'multi_select':
      return 'codes';
    case 'lookup':
    case 'user':
      return 'id';
    case 'formula':
      return familyOf(returnType && returnType !== 'formula' ? returnType : 'decimal');
    default:
      return 'text';
  }
}

export const opsFor = (field: Field) => OPS[familyOf(field.type, field.options.returnType)];

/** The editor's shape of a filter: groups of conditions, AND or OR. */
export interface FilterGroup {
  kind: 'and' | 'or';
  items: Array<FilterGroup | Condition>;
}

const isGroup = (item: FilterGroup | Condition): item is FilterGroup => 'kind' in item;

export function toFilter(group: FilterGroup): FilterNode | undefined {
  const parts = group.items
    .map((item) => (isGroup(item) ? toFilter(item) : item.field ? item : undefined))
    .filter((part): part is FilterNode => !!part);
  if (parts.length === 0) return undefined;
  return group.kind === 'and' ? { and: parts } : { or: parts };
}

export function fromFilter(filter: FilterNode | null | undefined): FilterGroup {
  if (!filter) return { kind: 'and', items: [] };
  if ('and' in filter) return { kind: 'and', items: filter.and.map((node) => ('field' in node ? node : fromFilter(node))) };
  if ('or' in filter) return { kind: 'or', items: filter.or.map((node) => ('field' in node ? node : fromFilter(node))) };
  return { kind: 'and', items: [filter] };
}

export function countConditions(group: FilterGroup): number {
  return group.items.reduce((sum, item) => sum + (isGroup(item) ? countConditions(item) : item.field ? 1 : 0), 0);
}

/** The filter builder: field → operator by type → value input by type, with AND/OR groups. */
export function FilterBuilder({ fields, value, onApply }: { fields: Field[]; value: FilterGroup; onApply: (group: FilterGroup) => void }) {
  const { t } = useTranslation('records');
  const [draft, setDraft] = useState<FilterGroup>(value);
  return (
    <Stack gap="sm" data-testid="filter-builder">
      <GroupEditor fields={fields} group={draft} onChange={setDraft} depth={0} />
      <Group justify="space-between">
        <Button variant="subtle" color="gray" onClick={() => onApply({ kind: 'and', items: [] })}>
          {t('filter.clear')}
        </Button>
        <Button onClick={() => onApply(draft)}>{t('filter.apply')}</Button>
      </Group>
    </Stack>
  );
}

function GroupEditor({
  fields,
  group,
  onChange,
  onRemove,
  depth,
}: {
  fields: Field[];
  group: FilterGroup;
  onChange: (group: FilterGroup) => void;
  onRemove?: () => void;
  depth: number;
}) {
  const { t } = useTranslation('records');
  const setItem = (index: number, item: FilterGroup | Condition | null) =>
    onChange({
      ...group,
      items: item ? group.items.map((old, i) => (i === index ? item : old)) : group.items.filter((_, i) => i !== index),
    });
  const first = fields[0];
  return (
    <Paper withBorder={depth > 0} p={depth > 0 ? 'xs' : 0} radius="sm">
      <Stack gap="xs">
        <Group justify="space-between">
          <SegmentedControl
            size="xs"
            value={group.kind}
            onChange={(kind) => onChange({ ...group, kind: kind as 'and' | 'or' })}
            data={[
              { value: 'and', label: t('filter.all') },
              { value: 'or', label: t('filter.any') },
            ]}
          />
          {onRemove && (
            <ActionIcon variant="subtle" color="red" onClick={onRemove} aria-label={t('filter.removeGroup')}>
              <IconTrash size={16} />
            </ActionIcon>
          )}
        </Group>
        {group.items.map((item, index) =>
          isGroup(item) ? (
            <GroupEditor
              key={index}
              fields={fields}
              group={item}
              depth={depth + 1}
              onChange={(next) => setItem(index, next)}
              onRemove={() => setItem(index, null)}
            />
          ) : (
            <ConditionEditor
              key={index}
              fields={fields}
              condition={item}
              onChange={(next) => setItem(index, next)}
              onRemove={() => setItem(index, null)}
            />
          ),
        )}
        <Group gap="xs">
          <Button
            size="xs"
            variant="light"
            leftSection={<IconPlus size={14} />}
            disabled={!first}
            onClick={() => onChange({ ...group, items: [...group.items, { field: first!.apiName, op: opsFor(first!)[0]! }] })}
          >
            {t('filter.addCondition')}
          </Button>
          {depth < 2 && (
            <Button
              size="xs"
              variant="subtle"
              leftSection={<IconPlus size={14} />}
              onClick={() => onChange({ ...group, items: [...group.items, { kind: group.kind === 'and' ? 'or' : 'and', items: [] }] })}
            >
              {t('filter.addGroup')}
            </Button>
          )}
        </Group>
      </Stack>
    </Paper>
  );
}

function ConditionEditor({
  fields,
  condition,
  onChange,
  onRemove,
}: {
  fields: Field[];
  condition: Condition;
  onChange: (condition: Condition) => void;
  onRemove: () => void;
}) {
  const { t, i18n } = useTranslation('records');
  const field = fields.find((candidate) => candidate.apiName === condition.field);
  const ops = field ? opsFor(field) : [];
  const noValue = condition.op === 'is_empty' || condition.op === 'is_not_empty';
  const many = condition.op === 'in' || condition.op === 'nin' || (field?.type === 'multi_select' && condition.op !== 'is_empty');

  let valueInput = null;
  if (field && !noValue) {
    if (many && (field.type === 'picklist' || field.type === 'multi_select')) {
      valueInput = (
        <MultiSelect
          aria-label={t('filter.value')}
          data={(field.options.values ?? []).map((option) => ({ value: option.code, label: labelOf(option.labels, i18n.language) }))}
          value={Array.isArray(condition.value) ? (condition.value as string[]) : []}
          onChange={(value) => onChange({ ...condition, value })}
          style={{ flex: 1 }}
        />
      );
    } else if (many) {
      valueInput = (
        <TagsInput
          aria-label={t('filter.value')}
          value={Array.isArray(condition.value) ? (condition.value as string[]) : []}
          onChange={(value) => onChange({ ...condition, value })}
          style={{ flex: 1 }}
        />
      );
    } else if (condition.op === 'between') {
      const [from, to] = Array.isArray(condition.value) ? condition.value : [null, null];
      valueInput = (
        <Group gap={4} style={{ flex: 1 }} wrap="nowrap">
          <FieldInput
            field={{ ...field, label: t('filter.from'), required: false }}
            hideLabel
            value={from}
            onChange={(v) => onChange({ ...condition, value: [v, to] })}
          />
          <FieldInput
            field={{ ...field, label: t('filter.to'), required: false }}
            hideLabel
            value={to}
            onChange={(v) => onChange({ ...condition, value: [from, v] })}
          />
        </Group>
      );
    } else {
      valueInput = (
        <div style={{ flex: 1 }}>
          <FieldInput
            field={{
              ...field,
              label: t('filter.value'),
              required: false,
              type: ['contains', 'starts_with'].includes(condition.op) ? 'text' : field.type,
            }}
            hideLabel
            allowMe
            value={condition.value ?? (field.type === 'boolean' ? false : null)}
            onChange={(value) => onChange({ ...condition, value })}
          />
        </div>
      );
    }
  }

  return (
    <Group gap="xs" align="flex-start" wrap="nowrap" data-testid="filter-condition">
      <Select
        aria-label={t('filter.field')}
        w={190}
        searchable
        data={fields.map((candidate) => ({ value: candidate.apiName, label: candidate.label }))}
        value={condition.field}
        onChange={(apiName) => {
          const next = fields.find((candidate) => candidate.apiName === apiName);
          if (next) onChange({ field: next.apiName, op: opsFor(next)[0]!, value: undefined });
        }}
      />
      <Select
        aria-label={t('filter.operator')}
        w={170}
        data={ops.map((op) => ({ value: op, label: t(`filter.ops.${op}`) }))}
        value={condition.op}
        onChange={(op) => op && onChange({ ...condition, op: op as FilterOp, value: undefined })}
      />
      {valueInput ?? <Text style={{ flex: 1 }} />}
      <ActionIcon variant="subtle" color="red" mt={4} onClick={onRemove} aria-label={t('filter.removeCondition')}>
        <IconTrash size={16} />
      </ActionIcon>
    </Group>
  );
}
