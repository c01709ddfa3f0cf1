import { Code, Table, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Nested objects become dotted paths (`modules.deals.delete`), so a diff shows the one leaf that changed. */
function flatten(value: Record<string, unknown>, prefix = '', depth = 0): Record<string, unknown> {
  const flat: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (isRecord(inner) && Object.keys(inner).length > 0 && depth < 4) Object.assign(flat, flatten(inner, path, depth + 1));
    else flat[path] = inner;
  }
  return flat;
}

function Value({ value }: { value: unknown }) {
  const { t } = useTranslation();
  if (value === undefined || value === null || value === '')
    return (
      <Text span size="sm" c="dimmed">
        —
      </Text>
    );
  if (typeof value === 'boolean')
    return (
      <Text span size="sm">
        {value ? t('app:common.yes') : t('app:common.no')}
      </Text>
    );
  if (typeof value === 'string' || typeof value === 'number')
    return (
      <Text span size="sm" style={{ wordBreak: 'break-word' }}>
        {String(value)}
      </Text>
    );
  return (
    <Code block fz="xs" style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-word', maxHeight: 240, overflow: 'auto' }}>
      {JSON.stringify(value, null, 2)}
    </Code>
  );
}

/** An audit entry's before and after, one row per key; changed keys are marked. */
export function AuditDiff({ before, after }: { before: unknown; after: unknown }) {
  const { t } = useTranslation('settings');
  if (before == null && after == null)
    return (
      <Text size="sm" c="dimmed">
        {t('audit.noDetails')}
      </Text>
    );
  const previous = isRecord(before) ? flatten(before) : before == null ? {} : { value: before };
  const next = isRecord(after) ? flatten(after) : after == null ? {} : { value: after };
  const keys = [...new Set([...Object.keys(previous), ...Object.keys(next)])].sort();
  const showBefore = before != null;
  const showAfter = after != null;
  return (
    <Table
      withTableBorder
      withColumnBorders
      verticalSpacing={6}
      layout="fixed"
      aria-label={t('audit.changes')}
      bg="var(--mantine-color-body)"
    >
      <Table.Thead>
        <Table.Tr>
          <Table.Th w="24%">{t('audit.field')}</Table.Th>
          {showBefore && <Table.Th>{t('audit.before')}</Table.Th>}
          {showAfter && <Table.Th>{t('audit.after')}</Table.Th>}
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {keys.map((key) => {
          const changed = showBefore && showAfter && JSON.stringify(previous[key]) !== JSON.stringify(next[key]);
          return (
            <Table.Tr key={key}>
              <Table.Td>
                <Code fz="xs" style={{ wordBreak: 'break-all' }}>
                  {key}
                </Code>
              </Table.Td>
              {showBefore && (
                <Table.Td
                  bg={changed ? 'var(--mantine-color-red-light)' : undefined}
                  style={changed ? { textDecoration: 'line-through', textDecorationColor: 'var(--mantine-color-red-4)' } : undefined}
                >
                  <Value value={previous[key]} />
                </Table.Td>
              )}
              {showAfter && (
                <Table.Td bg={changed ? 'var(--mantine-color-green-light)' : undefined}>
                  <Value value={next[key]} />
                </Table.Td>
              )}
            </Table.Tr>
          );
        })}
      </Table.Tbody>
    </Table>
  );
}
