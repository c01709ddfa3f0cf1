import { notifications } from '@mantine/notifications';
import { ApiError } from '../../app/api';

/** A short green toast after something worked. */
export function notifySuccess(message: string): void {
  notifications.show({ color: 'green', message, autoClose: 3000 });
}

/** A red toast for a failure that has no form to sit in (an inline select, a row action). */
export function notifyFailure(message: string): void {
  notifications.show({ color: 'red', message, autoClose: 6000 });
}

/**
 * The server's message when it names `field` or something inside it
 * (`exchangeRates.USD` is under `exchangeRates`), for showing beside that input.
 */
export function fieldErrorUnder(error: unknown, field: string): string | undefined {
  if (!(error instanceof ApiError)) return undefined;
  const named = error.details?.fields?.map((entry) => entry.field) ?? (error.field ? [error.field] : []);
  return named.some((name) => name === field || name.startsWith(`${field}.`)) ? error.message : undefined;
}

/** True when the error names one of `fields`, so the generic alert can stay quiet. */
export function namesAnyField(error: unknown, fields: string[]): boolean {
  return fields.some((field) => fieldErrorUnder(error, field) !== undefined);
}
