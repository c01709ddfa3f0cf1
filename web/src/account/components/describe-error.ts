import type { TFunction } from 'i18next';
import { ApiError } from '../../app/api';
import { errorMessage } from '../../app/errors';

/**
 * My account's reading of a failed call: the cases a person meets here get
 * a translated message of their own, anything else the server's message.
 */
export function describeError(error: unknown, t: TFunction, context: 'password' | 'code' | 'general' = 'general'): string {
  if (error instanceof ApiError) {
    // A route this server does not have yet (an older server): say so plainly.
    if (error.status === 404 && error.message.startsWith('No route')) return t('account:unavailable');
    if (error.status === 429) return t('account:errors.rateLimited');
    if (error.code === 'email_taken') return t('account:errors.emailTaken');
    if (
      error.code === 'invalid_credentials' ||
      (context === 'password' && (error.status === 401 || error.status === 403) && error.code !== 'csrf_failed')
    ) {
      return t('account:errors.wrongPassword');
    }
    if (context === 'code' && (error.status === 400 || error.status === 401) && (!error.field || error.field === 'code'))
      return t('account:errors.wrongCode');
  }
  return errorMessage(error, t);
}
