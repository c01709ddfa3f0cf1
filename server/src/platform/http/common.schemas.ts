import { Type } from 'typebox';

/** Shared schema pieces; every error response has this shape. */
export const ErrorResponse = Type.Object(
  {
    error: Type.Object({
      code: Type.String({ description: 'Stable error code; see the list in the API guide.' }),
      message: Type.String({ description: 'A message a person can act on.' }),
      details: Type.Optional(Type.Unknown()),
      requestId: Type.Optional(Type.String()),
    }),
  },
  { $id: 'ErrorResponse', description: 'Every error answer.' },
);

export const Email = Type.String({ format: 'email', maxLength: 254, description: 'An e-mail address.' });
export const Password = Type.String({ minLength: 1, maxLength: 200, description: 'A password (at least 10 characters when set).' });
export const PersonName = Type.String({ minLength: 1, maxLength: 120, description: 'A person’s full name.' });
export const Uuid = Type.String({ format: 'uuid' });
export const IdParams = Type.Object({ id: Uuid });
export const Timestamp = Type.String({ format: 'date-time' });
export const NullableTimestamp = Type.Union([Type.String({ format: 'date-time' }), Type.Null()]);
export const NoContent = Type.Null({ description: 'No content.' });

/** Error responses most routes can give; spread into `response`. */
export const errorResponses = (...codes: number[]) => Object.fromEntries(codes.map((code) => [code, ErrorResponse]));
