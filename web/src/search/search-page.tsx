import { useEffect, useState } from 'react';
import { Alert, Anchor, Badge, Group, Loader, Paper, Stack, Text, TextInput, Title } from '@mantine/core';
import { IconSearch } from '@tabler/icons-react';
import { Link, useNavigate, useSearch } from '@tanstack/react-router';
import { useTranslation } from 'react-i18next';
import { isSearchable, recordPath, useRecordSearch } from './use-record-search';

/** /search?q=: every module's records matching the text, best first. */
export function SearchPage() {
  const initial = useSearch({ from: '/app/search' }).q ?? '';
  const { t } = useTranslation('search');
  const navigate = useNavigate();
  const [text, setText] = useState(initial);
  useEffect(() => setText(initial), [initial]);
  const search = useRecordSearch(text, { limit: 50, delay: 300 });
  // Keep the address in step with what was searched (shareable, back button).
  useEffect(() => {
    if (search.searched && search.searched !== initial) void navigate({ to: '/search', search: { q: search.searched }, replace: true });
  }, [search.searched, initial, navigate]);

  return (
    <Stack gap="md" maw={820}>
      <Title order={2}>{t('title')}</Title>
      <TextInput
        aria-label={t('title')}
        placeholder={t('placeholder')}
        leftSection={<IconSearch size={18} />}
        rightSection={search.pending ? <Loader size="xs" /> : null}
        value={text}
        onChange={(event) => setText(event.currentTarget.value)}
        autoFocus
      />
      {!isSearchable(text) ? (
        <Text c="dimmed">{t('tooShort')}</Text>
      ) : search.error ? (
        <Alert color="red">{t('failed')}</Alert>
      ) : search.searched && !search.pending && search.hits.length === 0 ? (
        <Text c="dimmed">{t('none', { q: search.searched })}</Text>
      ) : (
        <>
          {search.searched && (
            <Text size="sm" c="dimmed">
              {t('count', { count: search.hits.length })}
            </Text>
          )}
          <Stack gap="xs" data-testid="search-results">
            {search.hits.map((hit) => (
              <Paper key={`${hit.module}:${hit.id}`} withBorder p="sm" radius="md">
                <Group justify="space-between" wrap="nowrap">
                  <Stack gap={2} style={{ minWidth: 0 }}>
                    <Anchor component={Link} to={recordPath(hit) as '/'} fw={600}>
                      {hit.name || hit.moduleLabel}
                    </Anchor>
                    {hit.snippet && (
                      <Text size="sm" c="dimmed" truncate>
                        {hit.snippet}
                      </Text>
                    )}
                  </Stack>
                  <Badge variant="light">{hit.moduleLabel}</Badge>
                </Group>
              </Paper>
            ))}
          </Stack>
        </>
      )}
    </Stack>
  );
}
