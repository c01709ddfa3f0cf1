import { Fragment } from 'react';
import { Anchor, ScrollArea, Table, Text, UnstyledButton } from '@mantine/core';
import { Link } from '@tanstack/react-router';
import { useTranslation } from 'react-i18next';
import type { GroupKeys, ReportDefinition, ResultColumn, ResultGroup, RunResult } from '../api';
import type { RecordData } from '../../records/api';
import { formatValue } from '../../records/format';
import { labelOfGroup } from '../chart-data';
import { useReportFields } from '../hooks/use-report-fields';
import { chartNumber, formatReportValue } from '../format';

/**
 * The value columns of a summary or matrix: aggregates then formulas, labelled as the result names them; two that
 * read the same (counts with different conditions) say their key.
 */
export function valueColumns(definition: ReportDefinition, result: RunResult): ResultColumn[] {
  const entries = [
    ...(definition.aggregates?.length ? definition.aggregates : [{ key: 'count', fn: 'count' as const }]),
    ...(definition.formulas ?? []),
  ];
  const columns = entries.map((entry) => {
    const named = result.columns.find((column) => column.key === entry.key);
    const fallback = 'label' in entry && entry.label ? entry.label : entry.key;
    const format = 'expression' in entry ? entry.format : undefined;
    return named ?? { key: entry.key, label: fallback, format };
  });
  return columns.map((column) =>
    columns.filter((other) => other.label === column.label).length > 1 ? { ...column, label: `${column.label} (${column.key})` } : column,
  );
}

interface TableProps {
  result: RunResult;
  definition: ReportDefinition;
  onDrill?: (keys: GroupKeys, label: string) => void;
}

/** The report's rows: records (tabular), groups with subtotals and a total (summary), or rows × columns (matrix). */
export function ReportTable({ result, definition, onDrill }: TableProps) {
  if (definition.type === 'tabular') return <TabularTable result={result} module={definition.module} />;
  if (definition.type === 'matrix') return <MatrixTable result={result} definition={definition} onDrill={onDrill} />;
  return <SummaryTable result={result} definition={definition} onDrill={onDrill} />;
}

function useValueFormat(result: RunResult) {
  const { i18n } = useTranslation();
  const context = { language: i18n.language, currency: result.currency };
  return (value: unknown, column?: ResultColumn) => formatReportValue(value, column, context);
}

function TabularTable({ result, module }: { result: RunResult; module: string }) {
  const { t, i18n } = useTranslation('reports');
  const format = useValueFormat(result);
  const { all: fields } = useReportFields(module);
  const context = { language: i18n.language, currency: result.currency, display: result.display ?? {} };
  const rows = result.rows ?? [];
  if (rows.length === 0) return <Text c="dimmed">{t('result.noRows')}</Text>;
  return (
    <ScrollArea>
      <Table striped highlightOnHover withTableBorder data-testid="report-table">
        <Table.Thead>
          <Table.Tr>
            {result.columns.map((column) => (
              <Table.Th key={column.key}>{column.label}</Table.Th>
            ))}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {rows.map((row) => (
            <Table.Tr key={row.id}>
              {result.columns.map((column, index) => {
                const value = row[column.key];
                const field = fields.find((candidate) => candidate.apiName === column.key);
                // As list views write it (picklist labels, dates, money); lookups, users and roles hold ids the result names.
                const text =
                  typeof value === 'string' && result.display?.[value]
                    ? result.display[value]
                    : field && value !== null && value !== undefined
                      ? formatValue(field, value, context, row as RecordData)
                      : format(value, column);
                return (
                  <Table.Td key={column.key} style={{ textAlign: isNumeric(column) ? 'right' : undefined }}>
                    {index === 0 ? (
                      <Anchor component={Link} to={`/records/${module}/${row.id}`} size="sm">
                        {text}
                      </Anchor>
                    ) : (
                      text
                    )}
                  </Table.Td>
                );
              })}
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </ScrollArea>
  );
}

const isNumeric = (column: ResultColumn | undefined) =>
  ['currency', 'percent', 'number', 'integer', 'decimal', 'rollup'].includes(column?.format ?? column?.type ?? '');

function SummaryTable({ result, definition, onDrill }: TableProps) {
  const { t } = useTranslation('reports');
  const format = useValueFormat(result);
  const values = valueColumns(definition, result);
  const levels = definition.groupBy ?? [];
  const empty = t('result.empty');
  const heading = levels.map((level) => result.columns.find((column) => column.key === level.field)?.label ?? level.field).join(' › ');

  const renderGroups = (groups: ResultGroup[], depth: number, parentKeys: GroupKeys): React.ReactNode =>
    groups.map((group, index) => {
      const field = levels[depth]?.field ?? Object.keys(group.keys).at(-1) ?? '';
      const keys = { ...parentKeys, ...group.keys };
      const label = labelOfGroup(group, field, empty);
      const hasChildren = (group.children?.length ?? 0) > 0;
      return (
        <Fragment key={`${depth}-${index}-${label}`}>
          <Table.Tr
            data-testid="report-group-row"
            fw={hasChildren ? 600 : undefined}
            bg={hasChildren ? 'var(--mantine-color-gray-0)' : undefined}
          >
            <Table.Td style={{ paddingLeft: 12 + depth * 20 }}>
              {onDrill ? (
                <UnstyledButton onClick={() => onDrill(keys, label)} aria-label={t('drill.open', { label })} fz="sm" c="blue.7">
                  {label}
                </UnstyledButton>
              ) : (
                label
              )}
            </Table.Td>
            {values.map((column) => (
              <Table.Td key={column.key} style={{ textAlign: 'right' }}>
                {format(group.values[column.key], column)}
              </Table.Td>
            ))}
          </Table.Tr>
          {hasChildren && renderGroups(group.children!, depth + 1, keys)}
        </Fragment>
      );
    });

  return (
    <ScrollArea>
      <Table withTableBorder highlightOnHover data-testid="report-table">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{heading || t('result.group')}</Table.Th>
            {values.map((column) => (
              <Table.Th key={column.key} style={{ textAlign: 'right' }}>
                {column.label}
              </Table.Th>
            ))}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {(result.groups ?? []).length === 0 ? (
            <Table.Tr>
              <Table.Td colSpan={values.length + 1}>
                <Text c="dimmed" size="sm">
                  {t('result.noRows')}
                </Text>
              </Table.Td>
            </Table.Tr>
          ) : (
            renderGroups(result.groups ?? [], 0, {})
          )}
        </Table.Tbody>
        {result.totals && (
          <Table.Tfoot>
            <Table.Tr fw={700}>
              <Table.Td>{t('result.total')}</Table.Td>
              {values.map((column) => (
                <Table.Td key={column.key} style={{ textAlign: 'right' }}>
                  {format(result.totals?.[column.key], column)}
                </Table.Td>
              ))}
            </Table.Tr>
          </Table.Tfoot>
        )}
      </Table>
    </ScrollArea>
  );
}

/** Rows × columns for the first value; row totals from the row groups, column totals summed when the value adds up. */
function MatrixTable({ result, definition, onDrill }: TableProps) {
  const { t } = useTranslation('reports');
  const format = useValueFormat(result);
  const value = valueColumns(definition, result)[0]!;
  const aggregate = definition.aggregates?.find((entry) => entry.key === value.key);
  const additive = !aggregate || aggregate.fn === 'count' || aggregate.fn === 'sum';
  const rowField = definition.groupBy?.[0]?.field ?? '';
  const columnFields = (definition.columnGroupBy ?? []).map((level) => level.field);
  const empty = t('result.empty');
  const same = (a: GroupKeys, b: GroupKeys, fields: string[]) => fields.every((field) => (a[field] ?? null) === (b[field] ?? null));
  const columns = result.columnKeys ?? [];
  const cellOf = (row: ResultGroup, column: { keys: GroupKeys }) =>
    result.cells?.find((cell) => same(cell.row, row.keys, [rowField]) && same(cell.column, column.keys, columnFields));
  const columnLabel = (column: { keys: GroupKeys; labels: Record<string, string | null> }) =>
    columnFields.map((field) => column.labels[field] ?? (column.keys[field] === null ? empty : String(column.keys[field]))).join(' · ');
  const rows = result.groups ?? [];
  return (
    <ScrollArea>
      <Table withTableBorder withColumnBorders data-testid="report-table">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{value.label}</Table.Th>
            {columns.map((column) => (
              <Table.Th key={JSON.stringify(column.keys)} style={{ textAlign: 'right' }}>
                {columnLabel(column)}
              </Table.Th>
            ))}
            <Table.Th style={{ textAlign: 'right' }}>{t('result.total')}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {rows.map((row) => {
            const rowLabel = labelOfGroup(row, rowField, empty);
            return (
              <Table.Tr key={JSON.stringify(row.keys)}>
                <Table.Td fw={600}>{rowLabel}</Table.Td>
                {columns.map((column) => {
                  const cell = cellOf(row, column);
                  const label = `${rowLabel} · ${columnLabel(column)}`;
                  return (
                    <Table.Td key={JSON.stringify(column.keys)} style={{ textAlign: 'right' }}>
                      {cell && onDrill ? (
                        <UnstyledButton
                          onClick={() => onDrill({ ...row.keys, ...column.keys }, label)}
                          fz="sm"
                          c="blue.7"
                          aria-label={t('drill.open', { label })}
                        >
                          {format(cell.values[value.key], value)}
                        </UnstyledButton>
                      ) : (
                        format(cell?.values[value.key], value)
                      )}
                    </Table.Td>
                  );
                })}
                <Table.Td style={{ textAlign: 'right' }} fw={600}>
                  {format(row.values[value.key], value)}
                </Table.Td>
              </Table.Tr>
            );
          })}
        </Table.Tbody>
        <Table.Tfoot>
          <Table.Tr fw={700}>
            <Table.Td>{t('result.total')}</Table.Td>
            {columns.map((column) => (
              <Table.Td key={JSON.stringify(column.keys)} style={{ textAlign: 'right' }}>
                {additive
                  ? format(
                      (result.cells ?? [])
                        .filter((cell) => same(cell.column, column.keys, columnFields))
                        .reduce((sum, cell) => sum + chartNumber(cell.values[value.key]), 0),
                      value,
                    )
                  : '—'}
              </Table.Td>
            ))}
            <Table.Td style={{ textAlign: 'right' }}>{format(result.totals?.[value.key], value)}</Table.Td>
          </Table.Tr>
        </Table.Tfoot>
      </Table>
    </ScrollArea>
  );
}
