/** Every error code Clave answers with, and its HTTP status. Listed in the API docs. */
export const ERROR_STATUS = {
  bad_request: 400,
  validation_failed: 400,
  invalid_json: 400,
  unauthenticated: 401,
  invalid_credentials: 401,
  two_factor_required: 401,
  invalid_token: 401,
  forbidden: 403,
  csrf_failed: 403,
  wrong_password: 403,
  not_found: 404,
  conflict: 409,
  duplicate: 409,
  already_set_up: 409,
  email_taken: 409,
  email_unverified: 409,
  email_is_primary: 409,
  invitation_pending: 409,
  gone: 410,
  payload_too_large: 413,
  file_too_large: 413,
  unsupported_media_type: 415,
  unsupported_file_type: 415,
  rate_limited: 429,
  internal: 500,
  not_ready: 503,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

/** An error a person can act on: a stable code, a safe message and optional details. */
export class AppError extends Error {
  readonly statusCode: number;
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
    readonly headers?: Record<string, string>,
  ) {
    super(message);
    this.statusCode = ERROR_STATUS[code];
  }
}

export const notFound = (what = 'The record') => new AppError('not_found', `${what} does not exist or you cannot see it.`);
export const forbidden = (message = 'You do not have permission to do this.') => new AppError('forbidden', message);
export const badRequest = (message: string, field?: string) => new AppError('validation_failed', message, field ? { field } : undefined);
