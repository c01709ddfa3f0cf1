import { useTranslation } from 'react-i18next';
import { useMe } from '../../app/session';

/** Formats ISO timestamps in the interface language and the user's time zone. */
export function useDateFormat() {
  const { i18n } = useTranslation();
  const timeZone = useMe().data?.user.timeZone;
  const make = (options: Intl.DateTimeFormatOptions) => {
    try {
      return new Intl.DateTimeFormat(i18n.language, { ...options, timeZone });
    } catch {
      // An unknown zone name must not break the page.
      return new Intl.DateTimeFormat(i18n.language, options);
    }
  };
  const date = make({ dateStyle: 'medium' });
  const dateTime = make({ dateStyle: 'medium', timeStyle: 'short' });
  return { date: (iso: string) => date.format(new Date(iso)), dateTime: (iso: string) => dateTime.format(new Date(iso)) };
}
