import { Fragment, useState } from 'react';
import { ActionIcon, Anchor, Group, Progress, Skeleton, Stack, Table, Text, Tooltip, UnstyledButton } from '@mantine/core';
import { IconChevronDown, IconChevronRight, IconPencil } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { CATEGORIES, useForecast, type Category, type ForecastQuery, type ForecastRow } from '../api';
import { money, percent } from './format';

export interface DrillTarget {
  userId: string;
  name: string;
  category: Category;
  scope: 'team' | 'own';
}

interface TableProps {
  rows: ForecastRow[];
  query: Required<Pick<ForecastQuery, 'period'>> & ForecastQuery;
  currency: string;
  onDrill: (target: DrillTarget) => void;
  onEditQuota: (row: ForecastRow) => void;
  onOpenForecast: (userId: string) => void;
}

/** The forecast: the user's own deals, a row per direct report (expandable into their team), the team total. */
export function ForecastTable({ rows, query, currency, onDrill, onEditQuota, onOpenForecast }: TableProps) {
  const { t } = useTranslation('forecasts');
  // Without a team, the own row and the total are the same: the total alone.
  const body = rows.some((row) => row.kind === 'report') ? rows.filter((row) => row.kind !== 'total') : [];
  const total = rows.find((row) => row.kind === 'total');
  return (
    <Table.ScrollContainer minWidth={1000}>
      <Table striped highlightOnHover aria-label={t('title')}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('person')}</Table.Th>
            {CATEGORIES.map((category) => (
              <Table.Th key={category} ta="right">
                {t(`categories.${category}`)}
              </Table.Th>
            ))}
            <Table.Th ta="right">{t('quota')}</Table.Th>
            <Table.Th w={170}>{t('attainment')}</Table.Th>
            <Table.Th ta="right">{t('projection')}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {body.map((row) => (
            <ForecastRowView
              key={`${row.kind}:${row.userId}`}
              row={row}
              depth={0}
              query={query}
              currency={currency}
              onDrill={onDrill}
              onEditQuota={onEditQuota}
              onOpenForecast={onOpenForecast}
            />
          ))}
          {total && (
            <ForecastRowView
              row={total}
              depth={0}
              query={query}
              currency={currency}
              onDrill={onDrill}
              onEditQuota={onEditQuota}
              onOpenForecast={onOpenForecast}
            />
          )}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

function ForecastRowView({ row, depth, ...props }: Omit<TableProps, 'rows'> & { row: ForecastRow; depth: number }) {
  const { t, i18n } = useTranslation('forecasts');
  const [expanded, setExpanded] = useState(false);
  const { currency, onDrill, onEditQuota, onOpenForecast } = props;
  const name = row.kind === 'own' ? t('own', { name: row.name }) : row.kind === 'total' && row.hasTeam ? t('total') : row.name;
  const scope = row.kind === 'own' ? 'own' : 'team';
  const bold = row.kind === 'total' ? 700 : undefined;
  const canExpand = row.kind === 'report' && row.hasTeam;
  return (
    <Fragment>
      <Table.Tr data-kind={row.kind} fw={bold}>
        <Table.Td>
          <Group gap={4} wrap="nowrap" pl={depth * 20}>
            {canExpand ? (
              <ActionIcon
                variant="subtle"
                size="sm"
                aria-expanded={expanded}
                aria-label={t(expanded ? 'collapse' : 'expand', { name: row.name })}
                onClick={() => setExpanded((value) => !value)}
              >
                {expanded ? <IconChevronDown size={16} /> : <IconChevronRight size={16} />}
              </ActionIcon>
            ) : (
              <span style={{ width: 22, display: 'inline-block' }} />
            )}
            {row.kind === 'report' ? (
              <Anchor
                component="button"
                type="button"
                size="sm"
                onClick={() => onOpenForecast(row.userId)}
                aria-label={t('openForecast', { name: row.name })}
              >
                {name}
              </Anchor>
            ) : (
              <Text size="sm" fw={bold}>
                {name}
              </Text>
            )}
          </Group>
        </Table.Td>
        {CATEGORIES.map((category) => {
          const change = row.change?.[category];
          return (
            <Table.Td key={category} ta="right">
              <Stack gap={0} align="flex-end">
                <UnstyledButton
                  onClick={() => onDrill({ userId: row.userId, name: row.name, category, scope })}
                  aria-label={`${t(`categories.${category}`)} · ${name}`}
                  style={{ textDecoration: 'underline dotted', fontWeight: bold }}
                >
                  <Text size="sm" fw={bold}>
                    {money(row.amounts[category], currency, i18n.language)}
                  </Text>
                </UnstyledButton>
                {change !== undefined && Number(change) !== 0 && (
                  <Text
                    size="xs"
                    c={Number(change) > 0 ? 'teal.7' : 'red.7'}
                    title={t('change', { amount: money(change, currency, i18n.language, true) })}
                  >
                    {money(change, currency, i18n.language, true)}
                  </Text>
                )}
              </Stack>
            </Table.Td>
          );
        })}
        <Table.Td ta="right">
          {row.kind === 'own' ? null : (
            <Group gap={4} justify="flex-end" wrap="nowrap">
              <Text size="sm" c={row.quota === null ? 'dimmed' : undefined} fw={bold}>
                {row.quota === null ? t('noQuota') : money(row.quota, currency, i18n.language)}
              </Text>
              {row.canSetQuota && (
                <ActionIcon variant="subtle" size="sm" aria-label={t('setQuota', { name: row.name })} onClick={() => onEditQuota(row)}>
                  <IconPencil size={14} />
                </ActionIcon>
              )}
            </Group>
          )}
        </Table.Td>
        <Table.Td>
          {row.attainment !== null && row.gap !== null && (
            <Tooltip
              label={
                Number(row.gap) >= 0
                  ? t('gap', { amount: money(row.gap, currency, i18n.language) })
                  : t('beyond', { amount: money(String(-Number(row.gap)), currency, i18n.language) })
              }
            >
              <Stack gap={2}>
                <Text size="xs" fw={600}>
                  {percent(row.attainment, i18n.language)}
                </Text>
                <Progress
                  value={Math.min(100, row.attainment * 100)}
                  color={row.attainment >= 1 ? 'teal' : row.attainment >= 0.5 ? 'blue' : 'orange'}
                  aria-label={`${t('attainment')} ${row.name}: ${percent(row.attainment, i18n.language)}`}
                />
              </Stack>
            </Tooltip>
          )}
        </Table.Td>
        <Table.Td ta="right">
          <Text size="sm" fw={bold}>
            {money(row.projections.commit, currency, i18n.language)}
          </Text>
          <Text size="xs" c="dimmed">
            {t('projectionBest', { amount: money(row.projections.bestCase, currency, i18n.language) })}
          </Text>
        </Table.Td>
      </Table.Tr>
      {expanded && <TeamRows userId={row.userId} depth={depth + 1} {...props} />}
    </Fragment>
  );
}

/** A report's team, nested under their row: their own deals and their direct reports. */
function TeamRows({ userId, depth, ...props }: Omit<TableProps, 'rows'> & { userId: string; depth: number }) {
  const team = useForecast({ ...props.query, userId });
  if (!team.data)
    return (
      <Table.Tr>
        <Table.Td colSpan={9}>
          <Skeleton height={20} />
        </Table.Td>
      </Table.Tr>
    );
  return (
    <>
      {team.data.rows
        .filter((row) => row.kind !== 'total')
        .map((row) => (
          <ForecastRowView key={`${row.kind}:${row.userId}`} row={row} depth={depth} {...props} />
        ))}
    </>
  );
}
