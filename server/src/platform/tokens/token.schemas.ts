import { Type } from 'typebox';
import { NullableTimestamp, Timestamp, Uuid } from '../http/common.schemas.js';

export const CreateTokenBody = Type.Object(
  { name: Type.String({ minLength: 1, maxLength: 100, description: 'What the token is for.' }) },
  { additionalProperties: false },
);

export const ApiToken = Type.Object({
  id: Uuid,
  name: Type.String(),
  prefix: Type.String({ description: 'The first characters of the token, to recognise it.' }),
  createdAt: Timestamp,
  lastUsedAt: NullableTimestamp,
  revokedAt: NullableTimestamp,
});

export const CreatedToken = Type.Intersect([
  ApiToken,
  Type.Object({ token: Type.String({ description: 'Shown once: store it now. Send it as Authorization: Bearer <token>.' }) }),
]);
export const TokenList = Type.Object({ data: Type.Array(ApiToken) });
