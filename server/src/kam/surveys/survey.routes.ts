import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { requireAuth } from '../../platform/auth/auth.plugin.js';
import { errorResponses, IdParams, Uuid } from '../../platform/http/common.schemas.js';
import {
  CreateSurveyBody,
  PublicAnswerBody,
  PublicSurvey,
  RecordResponseBody,
  SendSurveyBody,
  Survey,
  SurveyDetail,
} from './survey.schemas.js';
import { PUBLIC_FREE_TRIES, type SurveyService } from './survey.service.js';

const tags = ['KAM surveys'];
const THROTTLED = `Per address, after ${PUBLIC_FREE_TRIES} failed tries within an hour (unknown links, refused answers; tries that succeed do not count) each one waits longer: 429 with Retry-After.`;

export const surveyRoutes: FastifyPluginAsyncTypebox<{ surveys: SurveyService }> = async (app, { surveys }) => {
  app.post(
    '/kam/surveys',
    {
      schema: {
        tags,
        summary: 'Create an NPS, CSAT or eNPS survey',
        description: 'Needs the profile permission `kam_surveys.create` (administrators have it).',
        body: CreateSurveyBody,
        response: { 201: Survey, ...errorResponses(400, 401, 403) },
      },
    },
    async (request, reply) => reply.status(201).send(await surveys.create(requireAuth(request), request.body)),
  );

  app.get(
    '/kam/surveys',
    {
      schema: {
        tags,
        summary: 'Surveys, newest first, with how many were invited and answered',
        response: { 200: Type.Object({ data: Type.Array(Survey) }), ...errorResponses(401, 403) },
      },
    },
    async (request) => ({ data: await surveys.list(requireAuth(request)) }),
  );

  app.get(
    '/kam/surveys/:id',
    {
      schema: {
        tags,
        summary: 'A survey with its results',
        description:
          'Customer answers count when you can see their account (or, with no account, their contact). eNPS: aggregated over every answer, only from 5 answers, never listed.',
        params: IdParams,
        response: { 200: SurveyDetail, ...errorResponses(401, 403, 404) },
      },
    },
    async (request) => surveys.get(requireAuth(request), request.params.id),
  );

  app.post(
    '/kam/surveys/:id/send',
    {
      schema: {
        tags,
        summary: 'Mail the survey to contacts (NPS, CSAT) or users (eNPS)',
        description: 'Each recipient gets a personal link `…/survey?token=…` to the public answer page; only the token’s hash is kept.',
        params: IdParams,
        body: SendSurveyBody,
        response: {
          200: Type.Object({
            invited: Type.Integer(),
            sent: Type.Integer({ description: 'Mails handed to the mail server (or the outbox).' }),
          }),
          ...errorResponses(400, 401, 403, 404, 409),
        },
      },
    },
    async (request) => surveys.send(requireAuth(request), request.params.id, request.body),
  );

  app.post(
    '/kam/surveys/:id/close',
    {
      schema: {
        tags,
        summary: 'Close a survey: it takes no more answers',
        description:
          'Needs `kam_surveys.create`. Its links still open the answer page, which says the survey is closed; answers through a link or `…/responses` are a 409 `survey_closed`, and so is sending it. Closing a closed survey changes nothing.',
        params: IdParams,
        response: { 200: Survey, ...errorResponses(401, 403, 404) },
      },
    },
    async (request) => surveys.close(requireAuth(request), request.params.id),
  );

  app.post(
    '/kam/surveys/:id/reopen',
    {
      schema: {
        tags,
        summary: 'Open a closed survey again',
        description:
          'Needs `kam_surveys.create`. The survey is `sent` again when it has invitations or answers, else a `draft`; its links take answers again. Reopening an open survey changes nothing.',
        params: IdParams,
        response: { 200: Survey, ...errorResponses(401, 403, 404) },
      },
    },
    async (request) => surveys.reopen(requireAuth(request), request.params.id),
  );

  app.post(
    '/kam/surveys/:id/responses',
    {
      schema: {
        tags,
        summary: 'Record or import an answer',
        description:
          'NPS/CSAT: `contactId` (the answer counts for the contact’s account); eNPS: `userId`. A closed survey takes none (409 `survey_closed`).',
        params: IdParams,
        body: RecordResponseBody,
        response: {
          201: Type.Object({
            id: Uuid,
            surveyId: Uuid,
            contactId: Type.Union([Uuid, Type.Null()]),
            accountId: Type.Union([Uuid, Type.Null()]),
            score: Type.Integer(),
            answeredAt: Type.String({ format: 'date-time' }),
          }),
          ...errorResponses(400, 401, 403, 404, 409),
        },
      },
    },
    async (request, reply) => reply.status(201).send(await surveys.recordResponse(requireAuth(request), request.params.id, request.body)),
  );

  app.get(
    '/public/surveys/answer',
    {
      config: { access: 'public' },
      schema: {
        tags,
        summary: 'The survey behind a personal link (public answer page)',
        description: THROTTLED,
        querystring: Type.Object({ token: Type.String({ minLength: 40, maxLength: 200 }) }, { additionalProperties: false }),
        response: { 200: PublicSurvey, ...errorResponses(400, 404, 429) },
      },
    },
    async (request) => surveys.publicSurvey(request.query.token, request.ip),
  );

  app.post(
    '/public/surveys/answer',
    {
      config: { access: 'public' },
      schema: {
        tags,
        summary: 'Answer a survey through a personal link (once)',
        description:
          'Score: NPS/eNPS 0–10, CSAT 1–5. A second answer with the same link is a 409 `already_answered`; an answer to a closed survey a 409 `survey_closed`. ' +
          THROTTLED,
        body: PublicAnswerBody,
        response: { 204: Type.Null(), ...errorResponses(400, 404, 409, 429) },
      },
    },
    async (request, reply) => {
      await surveys.publicAnswer(request.body, request.ip);
      return reply.status(204).send(null);
    },
  );
};
