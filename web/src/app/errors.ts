import type { TFunction } from 'i18next';
import { ApiError } from './api';

/**
 * The message to show for a failed call: the server's message (written for
 * people) when there is one, else a translated generic one.
 */
export function errorMessage(error: unknown, t: TFunction): string {
  if (error instanceof ApiError) {
    if (error.code === 'network') return t('app:errors.network');
    if (error.message) return error.message;
  }
  return t('app:errors.unknown');
}

/** For forms: the field the server named, so the message can sit beside that input. */
export function fieldError(error: unknown, field: string): string | undefined {
  return error instanceof ApiError && error.field === field ? error.message : undefined;
}
