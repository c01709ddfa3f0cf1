import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppContext } from '../context.js';
import { errorResponses } from '../http/common.schemas.js';
import { requireAuth } from './auth.plugin.js';
import {
  DisableTwoFactorBody,
  EnableTwoFactorBody,
  RegenerateRecoveryCodesBody,
  SetupTwoFactorBody,
  TwoFactorEnabled,
  TwoFactorSetup,
  TwoFactorStatus,
} from './two-factor.schemas.js';
import { createTwoFactorService } from './two-factor.service.js';

const tags = ['My account'];

export const twoFactorRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  const twoFactor = createTwoFactorService(ctx);

  app.post(
    '/me/two-factor/setup',
    {
      schema: {
        tags,
        summary: 'Start two-factor set-up: a new secret for the authenticator app (asks for the password)',
        description:
          'Stored but not yet on: sign-in asks for codes only after `enable`. A wrong password is a 403 `wrong_password` (you stay signed in; ' +
          'repeated ones are throttled like sign-ins, 429); 409 while two-factor is on.',
        body: SetupTwoFactorBody,
        response: { 200: TwoFactorSetup, ...errorResponses(400, 401, 403, 409, 429) },
      },
    },
    async (request) => twoFactor.setup(requireAuth(request), request.body.password, request.ip),
  );

  app.post(
    '/me/two-factor/enable',
    {
      schema: {
        tags,
        summary: 'Turn two-factor on with a code from the app',
        description:
          'A wrong code is a 400 naming `code`; 409 when set-up was not started or two-factor is already on. The code used here cannot sign in afterwards.',
        body: EnableTwoFactorBody,
        response: { 200: TwoFactorEnabled, ...errorResponses(400, 401, 403, 409) },
      },
    },
    async (request) => twoFactor.enable(requireAuth(request), request.body.code, request.ip),
  );

  app.post(
    '/me/two-factor/disable',
    {
      schema: {
        tags,
        summary: 'Turn two-factor off (asks for the password)',
        description: 'A wrong password is a 403 `wrong_password` (you stay signed in); 409 when two-factor is not on.',
        body: DisableTwoFactorBody,
        response: { 200: TwoFactorStatus, ...errorResponses(400, 401, 403, 409, 429) },
      },
    },
    async (request) => twoFactor.disable(requireAuth(request), request.body.password, request.ip),
  );

  app.post(
    '/me/two-factor/recovery-codes',
    {
      schema: {
        tags,
        summary: 'Replace my two-factor recovery codes (the old ones stop working)',
        body: RegenerateRecoveryCodesBody,
        response: { 200: TwoFactorEnabled, ...errorResponses(400, 401, 403, 409, 429) },
      },
    },
    async (request) => twoFactor.regenerateRecoveryCodes(requireAuth(request), request.body.password, request.ip),
  );
};
