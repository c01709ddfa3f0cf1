import { Type } from 'typebox';
import { Timestamp, Uuid } from '../http/common.schemas.js';

const GroupName = Type.String({ minLength: 1, maxLength: 100, description: 'Unique in the organization (ignoring case).' });
const Description = Type.Union([Type.String({ maxLength: 500 }), Type.Null()]);
const MemberType = Type.Union([Type.Literal('user'), Type.Literal('role'), Type.Literal('group')], {
  description: 'user: one user; role: every user in exactly that role; group: every member of that group.',
});
const ShareRecords = Type.Union([Type.Literal('none'), Type.Literal('read'), Type.Literal('read_write')], {
  description:
    'Members see (read) or see and edit (read_write) each other’s records in private modules; none: the group only gathers people.',
});

export const GroupMemberInput = Type.Object({ type: MemberType, id: Uuid }, { additionalProperties: false });

export const Group = Type.Object({
  id: Uuid,
  name: Type.String(),
  description: Type.Union([Type.String(), Type.Null()]),
  shareRecords: ShareRecords,
  members: Type.Array(
    Type.Object({
      type: MemberType,
      id: Uuid,
      name: Type.Union([Type.String(), Type.Null()], { description: 'Display name of the user, role or group.' }),
    }),
  ),
  createdAt: Timestamp,
});

export const GroupList = Type.Object({ data: Type.Array(Group) });

const Members = Type.Array(GroupMemberInput, {
  maxItems: 1000,
  description: 'Of the same organization; a group cannot contain itself, even through other groups. Duplicates are ignored.',
});

export const CreateGroupBody = Type.Object(
  { name: GroupName, description: Type.Optional(Description), shareRecords: Type.Optional(ShareRecords), members: Type.Optional(Members) },
  { additionalProperties: false },
);

export const UpdateGroupBody = Type.Object(
  {
    name: Type.Optional(GroupName),
    description: Type.Optional(Description),
    shareRecords: Type.Optional(ShareRecords),
    members: Type.Optional(Type.Array(GroupMemberInput, { maxItems: 1000, description: 'Replaces the whole member list.' })),
  },
  { additionalProperties: false, minProperties: 1 },
);
