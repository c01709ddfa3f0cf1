import { useState } from 'react';
import { Alert, Badge, Button, Code, Group, Menu, Paper, ScrollArea, Stack, Table, Text, Textarea, Title } from '@mantine/core';
import { IconChevronDown, IconPlayerPlay } from '@tabler/icons-react';
import { useMutation } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, ApiError } from '../../app/api';
import { errorMessage } from '../../app/errors';

/** POST /api/v1/query's answer (server/src/reports/query/query.schemas.ts). */
interface QueryResult {
  columns: Array<{ name: string; type: string; label: string }>;
  data: Array<Record<string, unknown>>;
  labels: Array<Record<string, string | null>>;
  currency: string;
  truncated: boolean;
  durationMs: number;
}

const EXAMPLES = [
  `SELECT owner_id, SUM(amount) AS won, COUNT(*) AS deals
FROM deals
WHERE stage = 'closed_won' AND closed_at = THIS_FISCAL_YEAR
GROUP BY owner_id
ORDER BY won DESC`,
  `SELECT MONTH(closed_at) AS month,
       COUNT(*) FILTER (WHERE stage = 'closed_won') / COUNT(*) AS win_rate
FROM deals
WHERE stage IN ('closed_won', 'closed_lost') AND closed_at = LAST_N_DAYS(365)
GROUP BY MONTH(closed_at)
ORDER BY month`,
  `SELECT lead_source, lead_status, COUNT(*) AS leads
FROM leads
GROUP BY lead_source, lead_status
ORDER BY leads DESC
LIMIT 20`,
  `SELECT name, amount, account_id.tier, close_date
FROM deals
WHERE owner_id = CURRENT_USER AND close_date = NEXT_N_DAYS(30)
ORDER BY close_date`,
];

const NUMERIC = new Set(['integer', 'decimal', 'currency', 'percent', 'number']);

/** /reports/query — the read-only query language: write a question, run it, read the rows (or where the text went wrong). */
export function QueryPage() {
  const { t, i18n } = useTranslation('reports');
  const [text, setText] = useState(EXAMPLES[0]!);
  const run = useMutation({ mutationFn: (q: string) => api.post<QueryResult>('/query', { q }) });
  const submit = () => text.trim() && run.mutate(text);

  const number = new Intl.NumberFormat(i18n.language, { maximumFractionDigits: 4 });
  const show = (value: unknown, type: string, currency: string): string => {
    if (value === null || value === undefined) return '—';
    if (typeof value === 'number' && type === 'currency')
      return new Intl.NumberFormat(i18n.language, { style: 'currency', currency }).format(value);
    if (typeof value === 'number') return number.format(value);
    if (typeof value === 'boolean') return value ? t('query.yes') : t('query.no');
    return Array.isArray(value) ? value.join(', ') : String(value);
  };

  const error = run.error instanceof ApiError ? run.error : null;
  const position = error?.details && typeof error.details.line === 'number' ? (error.details as { line: number; column: number }) : null;
  const result = run.data;

  return (
    <Stack gap="md">
      <Group justify="space-between" align="flex-start">
        <Stack gap={2}>
          <Title order={2}>{t('query.title')}</Title>
          <Text size="sm" c="dimmed">
            {t('query.intro')}
          </Text>
        </Stack>
        <Menu position="bottom-end">
          <Menu.Target>
            <Button variant="default" rightSection={<IconChevronDown size={14} />}>
              {t('query.examples')}
            </Button>
          </Menu.Target>
          <Menu.Dropdown>
            {EXAMPLES.map((example, index) => (
              <Menu.Item key={example} onClick={() => setText(example)}>
                {t(`query.example${index + 1}`)}
              </Menu.Item>
            ))}
          </Menu.Dropdown>
        </Menu>
      </Group>
      <Textarea
        aria-label={t('query.label')}
        value={text}
        onChange={(event) => setText(event.currentTarget.value)}
        onKeyDown={(event) => {
          if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
            event.preventDefault();
            submit();
          }
        }}
        autosize
        minRows={6}
        maxRows={20}
        spellCheck={false}
        styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)', fontSize: 13 } }}
      />
      <Group>
        <Button leftSection={<IconPlayerPlay size={16} />} onClick={submit} loading={run.isPending}>
          {t('query.run')}
        </Button>
        <Text size="xs" c="dimmed">
          {t('query.shortcut')}
        </Text>
      </Group>

      {run.isError && (
        <Alert color="red" title={position ? t('query.errorAt', { line: position.line, column: position.column }) : t('query.error')}>
          <Stack gap="xs">
            {/* The server's own words: they name the token in the language's (English) keywords. */}
            <Text size="sm">{error && error.status === 400 ? error.message : errorMessage(run.error, t)}</Text>
            {position && (
              <Code block>{`${text.split('\n')[position.line - 1] ?? ''}\n${' '.repeat(Math.max(0, position.column - 1))}^`}</Code>
            )}
          </Stack>
        </Alert>
      )}

      {result && (
        <Paper withBorder radius="md" p="sm">
          <Group gap="xs" mb="xs">
            <Text size="sm">{t('query.rows', { count: result.data.length })}</Text>
            <Text size="sm" c="dimmed">
              · {t('query.duration', { ms: result.durationMs })}
            </Text>
            {result.truncated && (
              <Badge color="yellow" variant="light">
                {t('query.truncated')}
              </Badge>
            )}
          </Group>
          {result.data.length === 0 ? (
            <Text size="sm" c="dimmed">
              {t('query.empty')}
            </Text>
          ) : (
            <ScrollArea>
              <Table striped highlightOnHover withTableBorder>
                <Table.Thead>
                  <Table.Tr>
                    {result.columns.map((column) => (
                      <Table.Th key={column.name} style={{ textAlign: NUMERIC.has(column.type) ? 'right' : undefined }}>
                        {column.name}
                      </Table.Th>
                    ))}
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {result.data.map((row, index) => (
                    <Table.Tr key={index}>
                      {result.columns.map((column) => (
                        <Table.Td key={column.name} style={{ textAlign: NUMERIC.has(column.type) ? 'right' : undefined }}>
                          {result.labels[index]?.[column.name] ?? show(row[column.name], column.type, result.currency)}
                        </Table.Td>
                      ))}
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </ScrollArea>
          )}
        </Paper>
      )}
    </Stack>
  );
}
