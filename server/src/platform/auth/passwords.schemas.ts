import { Type } from 'typebox';
import { Email, Password } from '../http/common.schemas.js';

export const PasswordResetBody = Type.Object({ email: Email }, { additionalProperties: false });

export const PasswordResetAccepted = Type.Object({
  message: Type.String({ description: 'Always the same, whether or not an account uses the address.' }),
});

export const PasswordResetConfirmBody = Type.Object(
  {
    token: Type.String({ minLength: 1, maxLength: 200, description: 'The token from the reset link.' }),
    password: Password,
  },
  { additionalProperties: false },
);

export const ChangePasswordBody = Type.Object({ currentPassword: Password, newPassword: Password }, { additionalProperties: false });
