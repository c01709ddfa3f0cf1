import type { TFunction } from 'i18next';
import i18n from 'i18next';
import { ApiError } from './api';

/**
 * The message to show for a failed call. The server writes its messages in
 * English for API users; in English the UI shows them as they are (they are
 * the most precise), in other languages it translates by error code (and the
 * reason of a conflict), falling back to a generic message.
 */
export function errorMessage(error: unknown, t: TFunction): string {
  if (!(error instanceof ApiError)) return t('app:errors.unknown');
  if (error.code === 'network') return t('app:errors.network');
  if (i18n.language === 'en' && error.message) return error.message;
  const reason = typeof error.details?.reason === 'string' ? error.details.reason : undefined;
  const retryAfter = typeof error.details?.retryAfter === 'number' ? error.details.retryAfter : undefined;
  if (error.code === 'rate_limited' && retryAfter) return t('app:errorCodes.rate_limited_seconds', { seconds: retryAfter });
  if (reason && i18n.exists(`app:reasons.${reason}`)) return t(`app:reasons.${reason}`);
  if (i18n.exists(`app:errorCodes.${error.code}`)) return t(`app:errorCodes.${error.code}`);
  return t('app:errors.unknown');
}

/** For forms: the field the server named, so the message can sit beside that input. */
export function fieldError(error: unknown, field: string): string | undefined {
  if (!(error instanceof ApiError) || error.field !== field) return undefined;
  if (i18n.language === 'en') return error.message;
  const reason = typeof error.details?.reason === 'string' ? error.details.reason : undefined;
  if (error.code === 'validation_failed' && !(reason && i18n.exists(`app:reasons.${reason}`))) return i18n.t('app:errors.invalidValue');
  return errorMessage(error, i18n.t);
}
