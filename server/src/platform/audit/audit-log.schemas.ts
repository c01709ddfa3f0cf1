import { Type } from 'typebox';
import { Timestamp, Uuid } from '../http/common.schemas.js';

export const AuditLogQuery = Type.Object(
  {
    action: Type.Optional(
      Type.String({ minLength: 1, maxLength: 100, description: 'An action such as role.updated, or a family such as role.* .' }),
    ),
    actorId: Type.Optional(Type.String({ format: 'uuid', description: 'Only changes made by this user.' })),
    targetType: Type.Optional(
      Type.String({ minLength: 1, maxLength: 50, description: 'role, profile, group, user, module, organization, api_token…' }),
    ),
    targetId: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: 'Only entries about this target.' })),
    from: Type.Optional(Type.String({ format: 'date-time', description: 'Entries at or after this instant.' })),
    to: Type.Optional(Type.String({ format: 'date-time', description: 'Entries before this instant.' })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
    cursor: Type.Optional(Type.String({ maxLength: 200, description: 'The nextCursor of the previous page.' })),
  },
  { additionalProperties: false },
);

export const AuditEntry = Type.Object({
  id: Uuid,
  action: Type.String({ description: 'What happened, e.g. user.deactivated.' }),
  actorId: Type.Union([Uuid, Type.Null()]),
  actorName: Type.Union([Type.String(), Type.Null()], { description: 'The actor’s current name, for display.' }),
  targetType: Type.Union([Type.String(), Type.Null()]),
  targetId: Type.Union([Type.String(), Type.Null()]),
  before: Type.Unknown({ description: 'The changed values before (null when none).' }),
  after: Type.Unknown({ description: 'The changed values after (null when none).' }),
  ip: Type.Union([Type.String(), Type.Null()]),
  createdAt: Timestamp,
});

export const AuditLogPage = Type.Object({
  data: Type.Array(AuditEntry, { description: 'Newest first.' }),
  nextCursor: Type.Union([Type.String(), Type.Null()], { description: 'Pass as cursor for the next page; null on the last page.' }),
});
