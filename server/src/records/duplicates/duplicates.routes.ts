import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { requireAuth } from '../../platform/auth/auth.plugin.js';
import { errorResponses } from '../../platform/http/common.schemas.js';
import { RecordResponse } from '../records/record.schemas.js';
import type { DuplicatesService } from './duplicates.service.js';
import type { createMergeService } from './merge.service.js';
import {
  DuplicateCheckBody,
  DuplicateCheckResponse,
  DuplicateRules,
  DuplicateRulesBody,
  MergeBody,
  ModuleParams,
} from './duplicates.schemas.js';

export const duplicateRoutes: FastifyPluginAsyncTypebox<{
  duplicates: DuplicatesService;
  merger: ReturnType<typeof createMergeService>;
}> = async (app, { duplicates, merger }) => {
  app.get(
    '/settings/duplicate-rules/:module',
    {
      config: { access: 'admin' },
      schema: {
        tags: ['Settings'],
        summary: 'The duplicate rules of a module',
        params: ModuleParams,
        response: { 200: DuplicateRules, ...errorResponses(401, 403, 404) },
      },
    },
    async (request) => duplicates.getRules(requireAuth(request), request.params.module),
  );

  app.put(
    '/settings/duplicate-rules/:module',
    {
      config: { access: 'admin' },
      schema: {
        tags: ['Settings'],
        summary: 'Change the duplicate rules of a module',
        params: ModuleParams,
        body: DuplicateRulesBody,
        response: { 200: DuplicateRules, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request) => duplicates.putRules(requireAuth(request), request.params.module, request.body.rules),
  );

  app.post(
    '/records/:module/duplicates',
    {
      schema: {
        tags: ['Records'],
        summary: 'Find the records some values would duplicate',
        description: 'By the module’s duplicate rules; only records the caller can see.',
        params: ModuleParams,
        body: DuplicateCheckBody,
        response: { 200: DuplicateCheckResponse, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request) => duplicates.check(requireAuth(request), request.params.module, request.body.values, request.body.excludeId),
  );

  app.post(
    '/records/:module/merge',
    {
      schema: {
        tags: ['Records'],
        summary: 'Merge two or three records',
        description:
          'The master keeps the chosen value of each field; lookups, related records, timeline, tags and follows of the others move to it; the others go to the recycle bin. Needs edit on the master and delete on the others.',
        params: ModuleParams,
        body: MergeBody,
        response: { 200: RecordResponse, ...errorResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request) => merger.merge(requireAuth(request), request.params.module, request.body),
  );
};
