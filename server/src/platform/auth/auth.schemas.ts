import { Type } from 'typebox';
import { Email, Password, PersonName, Uuid } from '../http/common.schemas.js';

export const SetupBody = Type.Object(
  {
    organization: Type.String({ minLength: 1, maxLength: 120, description: 'The organization’s name.' }),
    name: PersonName,
    email: Email,
    password: Password,
    language: Type.Optional(Type.Union([Type.Literal('es'), Type.Literal('en')], { description: 'Default language of the organization.' })),
  },
  { additionalProperties: false },
);

export const LoginBody = Type.Object(
  {
    email: Email,
    password: Password,
    code: Type.Optional(
      Type.String({
        pattern: '^([0-9]{6}|[A-Za-z0-9]{5}-?[A-Za-z0-9]{5})$',
        description:
          'The six-digit two-factor code, when the account has two-factor on, or one of its recovery codes (abcde-fghjk). Each code works once.',
      }),
    ),
  },
  { additionalProperties: false },
);

export const SignedIn = Type.Object({
  userId: Uuid,
  orgId: Uuid,
  csrfToken: Type.String({ description: 'Send it as the x-csrf-token header on every write made with the session cookie.' }),
});

export const SetupStatus = Type.Object({
  needsSetup: Type.Boolean({ description: 'True until the first organization exists.' }),
  allowSignup: Type.Boolean({ description: 'Whether anyone may create a new organization.' }),
});
