import { useMemo, useState } from 'react';
import { Alert, Button, Group, Select, Stack, TextInput } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { changeLanguage, LANGUAGES, type Language } from '../../app/i18n';
import { fieldError } from '../../app/errors';
import { meQueryKey, type Me } from '../../app/session';
import { accountApi, type ProfileChanges } from '../api';
import { describeError } from './describe-error';
import { FormHeading } from '../../components/form-heading';

/** Every IANA zone the browser knows, with the user's current one kept even if the browser lacks it. */
function timeZoneOptions(current: string): string[] {
  const zones = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [];
  const all = new Set([...zones, 'UTC', current]);
  return [...all].sort();
}

/** Name, language and time zone. A new language applies to the whole interface as soon as it is saved. */
export function ProfileTab({ me }: { me: Me }) {
  const { t } = useTranslation('account');
  const client = useQueryClient();
  const [name, setName] = useState(me.user.name);
  const [language, setLanguage] = useState<Language>(me.user.language);
  const [timeZone, setTimeZone] = useState(me.user.timeZone);
  const zones = useMemo(
    () => timeZoneOptions(me.user.timeZone).map((zone) => ({ value: zone, label: zone.replace(/_/g, ' ') })),
    [me.user.timeZone],
  );

  const changes: ProfileChanges = {
    ...(name.trim() !== me.user.name ? { name: name.trim() } : {}),
    ...(language !== me.user.language ? { language } : {}),
    ...(timeZone !== me.user.timeZone ? { timeZone } : {}),
  };
  const save = useMutation({
    mutationFn: (submitted: ProfileChanges) => accountApi.updateProfile(submitted),
    onSuccess: async (_answer, submitted) => {
      // /me first, then the language: the shell keeps the interface in /me's language.
      client.setQueryData<Me | null>(meQueryKey, (old) => (old ? { ...old, user: { ...old.user, ...submitted } } : old));
      if (submitted.language) changeLanguage(submitted.language);
      notifications.show({ color: 'teal', message: t('profile.saved') });
      await client.invalidateQueries({ queryKey: meQueryKey });
    },
  });
  const nameError = fieldError(save.error, 'name');
  const zoneError = fieldError(save.error, 'timeZone');

  return (
    <form
      onSubmit={(event) => {
        event.preventDefault();
        if (Object.keys(changes).length > 0) save.mutate(changes);
      }}
    >
      <Stack maw={480}>
        <FormHeading title={t('profile.title')} intro={t('profile.intro')} order={3} />
        {save.error && !nameError && !zoneError && (
          <Alert color="red" role="alert">
            {describeError(save.error, t)}
          </Alert>
        )}
        <TextInput
          label={t('profile.name')}
          autoComplete="name"
          required
          maxLength={120}
          value={name}
          onChange={(event) => setName(event.currentTarget.value)}
          error={nameError}
        />
        <Select
          label={t('profile.language')}
          description={t('profile.languageHint')}
          data={LANGUAGES.map((value) => ({ value, label: t(`app:languages.${value}`) }))}
          value={language}
          onChange={(value) => value && setLanguage(value as Language)}
          allowDeselect={false}
        />
        <Select
          label={t('profile.timeZone')}
          description={t('profile.timeZoneHint')}
          placeholder={t('profile.timeZonePlaceholder')}
          data={zones}
          value={timeZone}
          onChange={(value) => value && setTimeZone(value)}
          searchable
          allowDeselect={false}
          limit={60}
          nothingFoundMessage={t('app:search.nothing')}
          error={zoneError}
        />
        <Group>
          <Button type="submit" loading={save.isPending} disabled={Object.keys(changes).length === 0 || name.trim() === ''}>
            {t('app:common.save')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
