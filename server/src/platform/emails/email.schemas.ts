import { Type } from 'typebox';
import { Email, Password, Timestamp, Uuid } from '../http/common.schemas.js';

export const EmailAddress = Type.Object({
  id: Uuid,
  email: Email,
  isPrimary: Type.Boolean({ description: 'The primary address is the one you sign in with and receive mail at.' }),
  verified: Type.Boolean({ description: 'Whether the link sent to the address has been opened.' }),
  createdAt: Timestamp,
});

export const EmailAddressList = Type.Object({
  data: Type.Array(EmailAddress, { description: 'The primary address first, then the others by age.' }),
});

export const AddEmailBody = Type.Object({ email: Email }, { additionalProperties: false });

export const VerifyEmailBody = Type.Object(
  { token: Type.String({ minLength: 1, maxLength: 200, description: 'The token from the verification link.' }) },
  { additionalProperties: false },
);

export const MakePrimaryBody = Type.Object({ password: Password }, { additionalProperties: false });
