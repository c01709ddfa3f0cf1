import { Type } from 'typebox';
import { Password } from '../http/common.schemas.js';

export const TwoFactorSetup = Type.Object({
  secret: Type.String({ description: 'The base32 secret, for typing into an authenticator app by hand.' }),
  otpauthUrl: Type.String({ description: 'An otpauth:// URL to show as a QR code.' }),
});

export const SetupTwoFactorBody = Type.Object({ password: Password }, { additionalProperties: false });

export const EnableTwoFactorBody = Type.Object(
  { code: Type.String({ pattern: '^[0-9]{6}$', description: 'The six-digit code the authenticator app shows now.' }) },
  { additionalProperties: false },
);

export const DisableTwoFactorBody = Type.Object({ password: Password }, { additionalProperties: false });

export const TwoFactorStatus = Type.Object({ enabled: Type.Boolean({ description: 'Whether sign-in asks for a code.' }) });

export const TwoFactorEnabled = Type.Object({
  enabled: Type.Literal(true),
  recoveryCodes: Type.Array(Type.String(), {
    description: 'Ten single-use codes (abcde-fghjk) that sign in instead of an app code when the phone is lost. Shown once.',
  }),
});

export const RegenerateRecoveryCodesBody = Type.Object({ password: Password }, { additionalProperties: false });
