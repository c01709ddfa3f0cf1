import { useFormatContext } from '../../../records/components/field-value';
import { numberLocale } from '../../../records/format';

/** Formats a moment as the rest of the app does: the user's (or the organization's) time zone and language. */
export function useFormatMoment(): (at: string) => string {
  const context = useFormatContext();
  return (at) =>
    new Date(at).toLocaleString(numberLocale(context.language), { dateStyle: 'medium', timeStyle: 'short', timeZone: context.timeZone });
}
