import { Type } from 'typebox';
import { Timestamp, Uuid } from '../http/common.schemas.js';

const Party = Type.Union([Type.Literal('role'), Type.Literal('role_and_subordinates'), Type.Literal('group')], {
  description:
    'role: users in exactly that role; role_and_subordinates: users in that role or any role below it; group: the group’s effective members (users, users of its roles, members of nested groups).',
});
const Access = Type.Union([Type.Literal('read'), Type.Literal('read_write')], {
  description: 'read: the target sees the records; read_write: the target sees, edits and deletes them.',
});
const ModuleName = Type.String({ pattern: '^[a-z][a-z0-9_]{1,62}$', description: 'API name of a module of the organization.' });
const RuleName = Type.String({ minLength: 1, maxLength: 100, description: 'A name for administrators.' });

export const SharingRule = Type.Object({
  id: Uuid,
  module: Type.String({ description: 'The module whose records the rule shares.' }),
  name: Type.String(),
  sourceType: Party,
  sourceId: Uuid,
  sourceName: Type.Union([Type.String(), Type.Null()], { description: 'Name of the source role or group.' }),
  targetType: Party,
  targetId: Uuid,
  targetName: Type.Union([Type.String(), Type.Null()], { description: 'Name of the target role or group.' }),
  access: Access,
  createdAt: Timestamp,
});

export const SharingRuleList = Type.Object({ data: Type.Array(SharingRule) });

export const CreateSharingRuleBody = Type.Object(
  {
    module: ModuleName,
    name: RuleName,
    sourceType: Party,
    sourceId: Type.String({ format: 'uuid', description: 'The role or group whose members own the shared records.' }),
    targetType: Party,
    targetId: Type.String({ format: 'uuid', description: 'The role or group that receives access.' }),
    access: Access,
  },
  { additionalProperties: false },
);

export const UpdateSharingRuleBody = Type.Object(
  {
    name: Type.Optional(RuleName),
    sourceType: Type.Optional(Party),
    sourceId: Type.Optional(Type.String({ format: 'uuid', description: 'The role or group whose members own the shared records.' })),
    targetType: Type.Optional(Party),
    targetId: Type.Optional(Type.String({ format: 'uuid', description: 'The role or group that receives access.' })),
    access: Type.Optional(Access),
  },
  { additionalProperties: false, minProperties: 1 },
);
