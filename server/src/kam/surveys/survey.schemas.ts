import { Type, type Static } from 'typebox';
import { Timestamp, Uuid } from '../../platform/http/common.schemas.js';

export const SurveyType = Type.Union([Type.Literal('nps'), Type.Literal('csat'), Type.Literal('enps')], {
  description: 'nps: 0–10 to customers’ contacts; csat: 1–5 to contacts; enps: 0–10 to employees (users), only ever shown aggregated.',
});
export type SurveyType = Static<typeof SurveyType>;

export const Question = Type.Object(
  {
    id: Type.String({ pattern: '^[a-z][a-z0-9_]{0,39}$', description: 'Key of the answer in `answers`.' }),
    label: Type.String({ minLength: 1, maxLength: 300 }),
    kind: Type.Union([Type.Literal('text'), Type.Literal('scale'), Type.Literal('choice')], {
      description: 'text: free text; scale: an integer 1–5; choice: one of `options`.',
    }),
    options: Type.Optional(
      Type.Array(Type.String({ minLength: 1, maxLength: 120 }), { maxItems: 20, description: 'The choices (choice only).' }),
    ),
    required: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type Question = Static<typeof Question>;

export const CreateSurveyBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 200 }),
    type: SurveyType,
    questions: Type.Optional(Type.Array(Question, { maxItems: 20, description: 'Custom questions after the score.' })),
  },
  { additionalProperties: false },
);

export const SendSurveyBody = Type.Object(
  {
    contactIds: Type.Optional(
      Type.Array(Uuid, { minItems: 1, maxItems: 1000, description: 'NPS and CSAT: contacts with an e-mail address.' }),
    ),
    userIds: Type.Optional(Type.Array(Uuid, { minItems: 1, maxItems: 1000, description: 'eNPS: active users of the organization.' })),
  },
  { additionalProperties: false },
);

export const Answers = Type.Record(Type.String(), Type.Union([Type.String({ maxLength: 2000 }), Type.Integer()]), {
  description: 'Answers to the custom questions by question id.',
});

export const RecordResponseBody = Type.Object(
  {
    contactId: Type.Optional(Uuid),
    userId: Type.Optional(Uuid),
    score: Type.Integer({ description: 'nps/enps 0–10, csat 1–5.' }),
    answeredAt: Timestamp,
    answers: Type.Optional(Answers),
  },
  { additionalProperties: false },
);

export const PublicAnswerBody = Type.Object(
  {
    token: Type.String({ minLength: 40, maxLength: 200 }),
    score: Type.Integer(),
    answers: Type.Optional(Answers),
  },
  { additionalProperties: false },
);

export const Survey = Type.Object({
  id: Uuid,
  name: Type.String(),
  type: SurveyType,
  questions: Type.Array(Question),
  status: Type.Union([Type.Literal('draft'), Type.Literal('sent'), Type.Literal('closed')], {
    description: 'draft until first sent; closed surveys take no answers (close and reopen change it).',
  }),
  createdBy: Type.Union([Uuid, Type.Null()]),
  createdAt: Timestamp,
  invited: Type.Integer({ description: 'Invitations sent.' }),
  answered: Type.Integer({ description: 'Invitations answered.' }),
});

export const SurveyResults = Type.Object({
  responses: Type.Integer({ description: 'Answers counted (those of accounts you can see; eNPS: all).' }),
  score: Type.Union([Type.Number(), Type.Null()], {
    description:
      'NPS/eNPS: % promoters (9–10) − % detractors (0–6), −100…100, one decimal; CSAT: share of 4–5 answers (0–1). Null with no answers, and for eNPS below 5.',
  }),
  promoters: Type.Union([Type.Integer(), Type.Null()]),
  passives: Type.Union([Type.Integer(), Type.Null()]),
  detractors: Type.Union([Type.Integer(), Type.Null()]),
  distribution: Type.Union([Type.Array(Type.Object({ score: Type.Integer(), count: Type.Integer() })), Type.Null()]),
  hidden: Type.Boolean({ description: 'eNPS with fewer than 5 answers: nothing is shown.' }),
});

export const SurveyResponse = Type.Object({
  id: Uuid,
  contactId: Type.Union([Uuid, Type.Null()]),
  accountId: Type.Union([Uuid, Type.Null()]),
  score: Type.Integer(),
  answeredAt: Timestamp,
  answers: Answers,
});

export const SurveyDetail = Type.Object({
  ...Survey.properties,
  results: SurveyResults,
  recent: Type.Array(SurveyResponse, { description: 'The latest 50 customer answers you can see (never for eNPS).' }),
});

export const PublicSurvey = Type.Object({
  organization: Type.String(),
  name: Type.String(),
  type: SurveyType,
  language: Type.Union([Type.Literal('es'), Type.Literal('en')]),
  questions: Type.Array(Question),
  answered: Type.Boolean({ description: 'This link was already used.' }),
  closed: Type.Boolean({ description: 'The survey is closed: it takes no answer.' }),
});
