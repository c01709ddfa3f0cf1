import { Type } from 'typebox';
import { Timestamp, Uuid } from '../http/common.schemas.js';

const RoleName = Type.String({ minLength: 1, maxLength: 100, description: 'Unique in the organization (ignoring case).' });
const ParentId = Type.Union([Uuid, Type.Null()], { description: 'The role above this one; null for a top role. No cycles.' });
const ShareWithPeers = Type.Boolean({ description: 'Users in this role see and edit each other’s records.' });

export const Role = Type.Object({
  id: Uuid,
  name: Type.String(),
  parentId: Type.Union([Uuid, Type.Null()]),
  shareWithPeers: Type.Boolean(),
  userCount: Type.Integer({ description: 'Users (active or not) in this role.' }),
  createdAt: Timestamp,
});

export const RoleList = Type.Object({
  data: Type.Array(Role, { description: 'Every role of the organization, flat; draw the tree from parentId.' }),
});

export const CreateRoleBody = Type.Object(
  { name: RoleName, parentId: Type.Optional(ParentId), shareWithPeers: Type.Optional(ShareWithPeers) },
  { additionalProperties: false },
);

export const UpdateRoleBody = Type.Object(
  { name: Type.Optional(RoleName), parentId: Type.Optional(ParentId), shareWithPeers: Type.Optional(ShareWithPeers) },
  { additionalProperties: false, minProperties: 1 },
);

export const DeleteRoleQuery = Type.Object(
  {
    transferTo: Type.Optional(
      Type.String({
        format: 'uuid',
        description:
          'Moves the role’s users, child roles and pending invitations to this role before deleting. Without it a role in use answers 409.',
      }),
    ),
  },
  { additionalProperties: false },
);
