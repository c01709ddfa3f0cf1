import i18n from 'i18next';
import { ApiError } from '../../app/api';

/** The messages of a 400/409 answer by field (`details.errors`, else `details.field`), in the UI language. */
export function errorsByField(error: unknown): Record<string, string> {
  if (!(error instanceof ApiError)) return {};
  const list = Array.isArray(error.details?.errors)
    ? (error.details.errors as Array<{ field: string | null; message: string; reason?: string }>)
    : error.field
      ? [
          {
            field: error.field,
            message: error.message,
            reason: typeof error.details?.reason === 'string' ? error.details.reason : undefined,
          },
        ]
      : [];
  const result: Record<string, string> = {};
  for (const item of list) {
    if (!item.field || result[item.field]) continue;
    result[item.field] = localized(item.message, item.reason);
  }
  return result;
}

function localized(message: string, reason?: string): string {
  if (i18n.language === 'en') return message;
  if (reason === 'required') return i18n.t('records:errors.required');
  if (reason === 'unique') return i18n.t('records:errors.unique');
  return `${i18n.t('app:errors.invalidValue')} (${message})`;
}
