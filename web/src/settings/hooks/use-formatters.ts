import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { useMe } from '../../app/session';

/** Dates and times in the user's language and time zone. */
export function useFormatters() {
  const { i18n } = useTranslation();
  const me = useMe();
  const timeZone = me.data?.user.timeZone || me.data?.organization.timeZone || undefined;
  return useMemo(() => {
    const safe = (options: Intl.DateTimeFormatOptions) => {
      try {
        return new Intl.DateTimeFormat(i18n.language, { ...options, timeZone });
      } catch {
        return new Intl.DateTimeFormat(i18n.language, options);
      }
    };
    const dateTime = safe({ dateStyle: 'medium', timeStyle: 'short' });
    const date = safe({ dateStyle: 'medium' });
    const parse = (value: string | null | undefined) => (value ? new Date(value) : null);
    return {
      dateTime: (value: string | null | undefined) => {
        const parsed = parse(value);
        return parsed && !Number.isNaN(parsed.getTime()) ? dateTime.format(parsed) : '—';
      },
      date: (value: string | null | undefined) => {
        const parsed = parse(value);
        return parsed && !Number.isNaN(parsed.getTime()) ? date.format(parsed) : '—';
      },
    };
  }, [i18n.language, timeZone]);
}
