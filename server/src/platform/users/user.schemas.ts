import { Type } from 'typebox';
import { Email, PersonName, Timestamp, Uuid } from '../http/common.schemas.js';

export const User = Type.Object({
  id: Uuid,
  name: Type.String(),
  email: Email,
  active: Type.Boolean({ description: 'Inactive users cannot sign in; their records stay.' }),
  roleId: Type.Union([Uuid, Type.Null()]),
  profileId: Uuid,
  createdAt: Timestamp,
});

export const UserList = Type.Object({ data: Type.Array(User, { description: 'Sorted by name.' }) });

export const ListUsersQuery = Type.Object(
  {
    q: Type.Optional(Type.String({ maxLength: 200, description: 'Part of the name or primary e-mail, any case.' })),
    active: Type.Optional(Type.Boolean({ description: 'Only active (true) or inactive (false) users.' })),
  },
  { additionalProperties: false },
);

export const UpdateUserBody = Type.Object(
  {
    name: Type.Optional(PersonName),
    roleId: Type.Optional(Type.Union([Uuid, Type.Null()], { description: 'A role of the organization, or null for none.' })),
    profileId: Type.Optional(Type.String({ format: 'uuid', description: 'A profile of the organization.' })),
    active: Type.Optional(
      Type.Boolean({
        description:
          'false ends the user’s sessions and revokes their API tokens. Nobody deactivates themselves, and the last active administrator stays.',
      }),
    ),
  },
  { additionalProperties: false, minProperties: 1 },
);
