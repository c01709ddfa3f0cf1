import { Type } from 'typebox';
import { Email, Password, PersonName, Timestamp, Uuid } from '../http/common.schemas.js';

export const CreateInvitationBody = Type.Object(
  {
    email: Email,
    name: PersonName,
    roleId: Type.Optional(Type.Union([Uuid, Type.Null()], { description: 'A role of your organization; none when left out.' })),
    profileId: Type.Optional(
      Type.Union([Uuid, Type.Null()], { description: 'A profile of your organization; the built-in Standard profile when left out.' }),
    ),
  },
  { additionalProperties: false },
);

export const Invitation = Type.Object({
  id: Uuid,
  email: Email,
  name: Type.String(),
  roleId: Type.Union([Uuid, Type.Null()]),
  profileId: Type.Union([Uuid, Type.Null()]),
  invitedBy: Uuid,
  createdAt: Timestamp,
  expiresAt: Timestamp,
  expired: Type.Boolean({ description: 'The link has expired; resend the invitation to send a new one.' }),
});

export const InvitationList = Type.Object({
  data: Type.Array(Invitation, { description: 'Pending invitations (not accepted, not revoked), newest first.' }),
});

export const InvitationTokenQuery = Type.Object({
  token: Type.String({ minLength: 1, maxLength: 200, description: 'The token from the invitation link.' }),
});

export const InvitationPreview = Type.Object({
  email: Email,
  name: Type.String({ description: 'The name the administrator typed for the new user.' }),
  organization: Type.String({ description: 'The organization the invitation is for.' }),
});

export const AcceptInvitationBody = Type.Object(
  {
    token: Type.String({ minLength: 1, maxLength: 200, description: 'The token from the invitation link.' }),
    password: Password,
    language: Type.Optional(
      Type.Union([Type.Literal('es'), Type.Literal('en')], {
        description: 'The language the person used on the invitation page; kept as theirs.',
      }),
    ),
  },
  { additionalProperties: false },
);
