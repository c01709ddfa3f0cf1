import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppContext } from '../context.js';
import { requireAuth } from '../auth/auth.plugin.js';
import { errorResponses, IdParams, NoContent } from '../http/common.schemas.js';
import { CloneProfileBody, CreateProfileBody, Profile, ProfileList, UpdateProfileBody } from './profile.schemas.js';
import { createProfileService } from './profile.service.js';

const tags = ['Profiles'];

export const profileRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  const profiles = createProfileService(ctx);

  app.get(
    '/profiles',
    {
      schema: {
        tags,
        summary: 'Every profile of the organization (built-in first)',
        response: { 200: ProfileList, ...errorResponses(401) },
      },
    },
    async (request) => ({ data: await profiles.list(requireAuth(request)) }),
  );

  app.get(
    '/profiles/:id',
    {
      schema: { tags, summary: 'One profile', params: IdParams, response: { 200: Profile, ...errorResponses(401, 404) } },
    },
    async (request) => profiles.get(requireAuth(request), request.params.id),
  );

  app.post(
    '/profiles',
    {
      config: { access: 'admin' },
      schema: {
        tags,
        summary: 'Create a profile',
        body: CreateProfileBody,
        response: { 201: Profile, ...errorResponses(400, 401, 403, 409) },
      },
    },
    async (request, reply) => reply.status(201).send(await profiles.create(requireAuth(request), request.body, request.ip)),
  );

  app.post(
    '/profiles/:id/clone',
    {
      config: { access: 'admin' },
      // The body is optional: a bare POST clones under the default name.
      preValidation: async (request) => {
        request.body ??= {};
      },
      schema: {
        tags,
        summary: 'Copy a profile (built-in ones included) under a new name',
        params: IdParams,
        body: CloneProfileBody,
        response: { 201: Profile, ...errorResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await profiles.clone(requireAuth(request), request.params.id, request.body, request.ip)),
  );

  app.patch(
    '/profiles/:id',
    {
      config: { access: 'admin' },
      schema: {
        tags,
        summary: 'Change a profile’s name, description or permissions',
        description:
          'modules and fields replace the whole map. The Administrator profile keeps full access (400 on modules or fields otherwise).',
        params: IdParams,
        body: UpdateProfileBody,
        response: { 200: Profile, ...errorResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request) => profiles.update(requireAuth(request), request.params.id, request.body, request.ip),
  );

  app.delete(
    '/profiles/:id',
    {
      config: { access: 'admin' },
      schema: {
        tags,
        summary: 'Delete a custom profile',
        description: 'Built-in profiles, and profiles with users or pending invitations, answer 409.',
        params: IdParams,
        response: { 204: NoContent, ...errorResponses(401, 403, 404, 409) },
      },
    },
    async (request, reply) => {
      await profiles.remove(requireAuth(request), request.params.id, request.ip);
      return reply.status(204).send(null);
    },
  );
};
