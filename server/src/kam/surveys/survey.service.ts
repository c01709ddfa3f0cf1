import type { Executor } from '../../db/database.js';
import type { AppContext } from '../../platform/context.js';
import type { AuthContext } from '../../platform/auth/auth-context.js';
import { createAttemptThrottle } from '../../platform/auth/attempt-throttle.js';
import { canModuleAction, isOwnerInScope, loadRecordScopes, type OwnerScope } from '../../platform/access/access.service.js';
import { AppError, badRequest, forbidden, notFound } from '../../platform/http/app-error.js';
import { newId, randomSecret, sha256 } from '../../platform/ids.js';
import { linkMail, mailLanguage, type MailLanguage } from '../../platform/mail/link-mail.js';
import {
  claimInvitation,
  closeSurvey,
  findContacts,
  findInvitationByHash,
  findOrganization,
  findSurvey,
  findUserLanguage,
  findUsers,
  insertInvitations,
  insertResponse,
  insertSurvey,
  listSurveys,
  lockSurveyStatus,
  markInvitationsSent,
  markSurveySent,
  recentResponses,
  reopenSurvey,
  scoreDistribution,
  type ResponseVisibility,
  type SurveyRow,
} from './survey.repository.js';
import { SCORE_RANGE, summarize } from './survey-scores.js';
import type { Question, SurveyType } from './survey.schemas.js';

/**
 * Surveys are not records: the profile key `kam_surveys` grants them, and only when named
 * (the '*' entry of a profile does not): `read` shows surveys and results, `create` builds, sends
 * and records answers. Administrators may do everything.
 */
export const SURVEY_PERMISSION = 'kam_surveys';

type Answers = Record<string, string | number>;

/** Failed tries on the public link allowed per address and hour before the waits start. */
export const PUBLIC_FREE_TRIES = 20;

const TEXT = {
  es: {
    subject: (survey: string) => `¿Nos dedicas un minuto? ${survey}`,
    greeting: (name: string) => `Hola${name ? ` ${name}` : ''}:`,
    ask: (org: string) => `${org} quiere conocer tu opinión. Responder te llevará menos de un minuto.`,
    action: 'Responder la encuesta',
    footer: 'Este enlace es personal y solo sirve para una respuesta.',
  },
  en: {
    subject: (survey: string) => `Do you have a minute? ${survey}`,
    greeting: (name: string) => `Hello${name ? ` ${name}` : ''},`,
    ask: (org: string) => `${org} would like to know what you think. Answering takes less than a minute.`,
    action: 'Answer the survey',
    footer: 'This link is personal and works for one answer.',
  },
};

function allowed(auth: AuthContext, action: 'read' | 'create'): boolean {
  if (auth.isAdmin) return true;
  const entry = Object.hasOwn(auth.modulePermissions, SURVEY_PERMISSION) ? auth.modulePermissions[SURVEY_PERMISSION] : undefined;
  return entry?.create === true || (action === 'read' && entry?.read === true);
}

function assertAllowed(auth: AuthContext, action: 'read' | 'create') {
  if (!allowed(auth, action))
    throw forbidden(
      action === 'read' ? 'Your profile does not allow you to see surveys.' : 'Your profile does not allow you to manage surveys.',
    );
}

const owners = (scope: OwnerScope) => (scope.all ? null : scope.ownerIds);

const surveyClosed = () => new AppError('conflict', 'This survey is closed and no longer takes answers.', { reason: 'survey_closed' });

/** Inside the answer's transaction: the survey still open (a close that committed meanwhile wins). */
async function assertStillOpen(executor: Executor, schema: string, id: string) {
  if ((await lockSurveyStatus(executor, schema, id)) === 'closed') throw surveyClosed();
}

const presentSurvey = (row: SurveyRow) => ({
  id: row.id,
  name: row.name,
  type: row.type,
  questions: row.questions,
  status: row.status,
  createdBy: row.created_by,
  createdAt: row.created_at.toISOString(),
  invited: row.invited,
  answered: row.answered,
});

/** Custom questions: unique ids, choices only (and at least two) on choice questions. */
function checkQuestions(questions: Question[]) {
  const seen = new Set<string>();
  questions.forEach((question, index) => {
    if (seen.has(question.id)) throw badRequest(`Two questions have the id "${question.id}".`, `questions[${index}].id`);
    seen.add(question.id);
    if (question.kind === 'choice' && (question.options?.length ?? 0) < 2)
      throw badRequest('A choice question needs at least two options.', `questions[${index}].options`);
    if (question.kind !== 'choice' && question.options !== undefined)
      throw badRequest('Only choice questions have options.', `questions[${index}].options`);
  });
}

/** The score in the survey type's range and the answers to its questions (text ≤ 2000, scale 1–5, choice among the options). */
function checkAnswer(type: SurveyType, questions: Question[], score: number, answers: Answers = {}): Answers {
  const { min, max } = SCORE_RANGE[type];
  if (score < min || score > max) throw badRequest(`The score of a ${type.toUpperCase()} survey is from ${min} to ${max}.`, 'score');
  const clean: Answers = {};
  for (const [key, value] of Object.entries(answers)) {
    const question = questions.find((q) => q.id === key);
    if (!question) throw badRequest(`The survey has no question "${key}".`, `answers.${key}`);
    if (question.kind === 'text') {
      if (typeof value !== 'string') throw badRequest('This answer is text.', `answers.${key}`);
      if (value.trim()) clean[key] = value.trim();
    } else if (question.kind === 'scale') {
      if (typeof value !== 'number' || value < 1 || value > 5)
        throw badRequest('This answer is a whole number from 1 to 5.', `answers.${key}`);
      clean[key] = value;
    } else if (typeof value !== 'string' || !question.options!.includes(value)) {
      throw badRequest('This answer must be one of the question’s options.', `answers.${key}`);
    } else clean[key] = value;
  }
  for (const question of questions) {
    if (question.required && !(question.id in clean)) throw badRequest(`“${question.label}” needs an answer.`, `answers.${question.id}`);
  }
  return clean;
}

/** A public link's token: the organization's id (32 hex digits) then a secret; only its hash is stored. */
function newToken(orgId: string) {
  return `${orgId.replace(/-/g, '')}${randomSecret(32)}`;
}

function orgIdOf(token: string): string | null {
  const hex = token.slice(0, 32);
  if (!/^[0-9a-f]{32}$/.test(hex)) return null;
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** NPS, CSAT and eNPS surveys: building, sending by e-mail with a public answer page, recording answers, results. */
export function createSurveyService(ctx: AppContext) {
  const { database } = ctx;
  // The public link, per address: 20 tries an hour that fail (an unknown link, a refused answer), then growing
  // waits (429 with Retry-After), as for web-to-lead forms. Tries that go through are given back, so an office
  // whose people all answer from one address is never slowed down; guessing links is.
  const throttle = createAttemptThrottle(database.db, ctx.now, {
    baseSeconds: 30,
    maxSeconds: 3600,
    message: 'Too many survey requests from this address.',
  });
  async function throttled<T>(ip: string, work: () => Promise<T>): Promise<T> {
    const keys = [{ key: `survey:${ip}`, free: PUBLIC_FREE_TRIES }];
    await throttle.consume(keys);
    const result = await work();
    await throttle.release(keys);
    return result;
  }

  async function requireSurvey(auth: AuthContext, id: string) {
    const row = await findSurvey(database.db, auth.orgSchema, id);
    if (!row) throw notFound('The survey');
    return row;
  }

  async function create(auth: AuthContext, input: { name: string; type: SurveyType; questions?: Question[] }) {
    assertAllowed(auth, 'create');
    const name = input.name.trim();
    if (!name) throw badRequest('The survey needs a name.', 'name');
    const questions = input.questions ?? [];
    checkQuestions(questions);
    const id = newId();
    await database.transaction('kam.survey-create', (trx) =>
      insertSurvey(trx, auth.orgSchema, { id, name, type: input.type, questions, created_by: auth.userId }),
    );
    return presentSurvey(await requireSurvey(auth, id));
  }

  async function list(auth: AuthContext) {
    assertAllowed(auth, 'read');
    return (await listSurveys(database.db, auth.orgSchema)).map(presentSurvey);
  }

  /** Customer answers count for a reader through their access to the answer's account (or, with none, its contact). */
  async function visibility(auth: AuthContext): Promise<ResponseVisibility> {
    const scopes = await loadRecordScopes(database.db, auth);
    return {
      accountOwners: canModuleAction(auth, 'accounts', 'read') ? owners(scopes('accounts').read) : [],
      contactOwners: canModuleAction(auth, 'contacts', 'read') ? owners(scopes('contacts').read) : [],
    };
  }

  async function get(auth: AuthContext, id: string) {
    assertAllowed(auth, 'read');
    const survey = await requireSurvey(auth, id);
    // eNPS answers are the organization's, never a customer's: aggregated over all of them, never listed.
    const seen: ResponseVisibility = survey.type === 'enps' ? { accountOwners: null, contactOwners: null } : await visibility(auth);
    const results = summarize(survey.type, await scoreDistribution(database.db, auth.orgSchema, id, seen));
    const recent =
      survey.type === 'enps'
        ? []
        : (await recentResponses(database.db, auth.orgSchema, id, seen, 50)).map((row) => ({
            id: row.id,
            contactId: row.contact_id,
            accountId: row.account_id,
            score: row.score,
            answeredAt: row.answered_at.toISOString(),
            answers: row.answers,
          }));
    return { ...presentSurvey(survey), results, recent };
  }

  /** Contacts the caller can see, each with an e-mail address; a 400 names the first that is not. */
  async function inviteesFromContacts(auth: AuthContext, contactIds: string[]) {
    if (!canModuleAction(auth, 'contacts', 'read')) throw forbidden('Your profile does not allow you to read contacts.');
    const scope = (await loadRecordScopes(database.db, auth))('contacts').read;
    const rows = new Map((await findContacts(database.db, auth.orgSchema, contactIds)).map((row) => [row.id, row]));
    return contactIds.map((id, index) => {
      const row = rows.get(id);
      if (!row || !isOwnerInScope(scope, row.owner_id))
        throw badRequest('No contact with this id that you can see.', `contactIds[${index}]`);
      if (!row.email) throw badRequest('This contact has no e-mail address.', `contactIds[${index}]`);
      const name = row.first_name ?? row.last_name ?? '';
      return { contactId: id, userId: null, email: row.email, name, language: mailLanguage(auth.organization.defaultLanguage) };
    });
  }

  async function inviteesFromUsers(auth: AuthContext, userIds: string[]) {
    const rows = new Map((await findUsers(database.db, auth.orgId, userIds)).map((row) => [row.id, row]));
    return userIds.map((id, index) => {
      const row = rows.get(id);
      if (!row) throw badRequest('No active user of the organization with this id.', `userIds[${index}]`);
      const language = mailLanguage(row.language ?? auth.organization.defaultLanguage);
      return { contactId: null, userId: id, email: row.email, name: row.name.split(' ')[0] ?? '', language };
    });
  }

  /** Creates one invitation per recipient and mails each a personal link to the public answer page (after the commit). */
  async function send(auth: AuthContext, id: string, input: { contactIds?: string[]; userIds?: string[] }) {
    assertAllowed(auth, 'create');
    const survey = await requireSurvey(auth, id);
    if (survey.status === 'closed')
      throw new AppError('conflict', 'This survey is closed: reopen it to send it.', { reason: 'survey_closed' });
    const forEmployees = survey.type === 'enps';
    if (forEmployees && !input.userIds) throw badRequest('An eNPS survey goes to users: send "userIds".', 'userIds');
    if (!forEmployees && !input.contactIds) throw badRequest('An NPS or CSAT survey goes to contacts: send "contactIds".', 'contactIds');
    if (forEmployees && input.contactIds) throw badRequest('An eNPS survey goes to users, not contacts.', 'contactIds');
    if (!forEmployees && input.userIds) throw badRequest('An NPS or CSAT survey goes to contacts, not users.', 'userIds');
    const unique = [...new Set(forEmployees ? input.userIds! : input.contactIds!)];
    const invitees = forEmployees ? await inviteesFromUsers(auth, unique) : await inviteesFromContacts(auth, unique);
    const invitations = invitees.map((invitee) => ({ ...invitee, id: newId(), token: newToken(auth.orgId) }));
    await database.transaction('kam.survey-send', async (trx) => {
      await insertInvitations(
        trx,
        auth.orgSchema,
        invitations.map((i) => ({
          id: i.id,
          survey_id: id,
          contact_id: i.contactId,
          user_id: i.userId,
          email: i.email,
          token_hash: sha256(i.token),
        })),
      );
      await markSurveySent(trx, auth.orgSchema, id);
    });
    const delivered: string[] = [];
    for (const invitation of invitations) {
      const text = TEXT[invitation.language];
      const link = `${ctx.config.publicUrl.replace(/\/$/, '')}/survey?token=${invitation.token}`;
      const body = linkMail({
        greeting: text.greeting(invitation.name),
        paragraphs: [text.ask(auth.organization.name)],
        link,
        action: text.action,
        footer: text.footer,
      });
      const mail = await ctx.mailer.send({ orgId: auth.orgId, to: invitation.email, subject: text.subject(survey.name), ...body });
      if (mail.status !== 'failed') delivered.push(invitation.id);
    }
    await markInvitationsSent(database.db, auth.orgSchema, delivered, ctx.now());
    return { invited: invitations.length, sent: delivered.length };
  }

  /** Records (or imports) an answer given outside Clave: a contact's for NPS/CSAT (its account taken from it), a user's for eNPS. */
  async function recordResponse(
    auth: AuthContext,
    id: string,
    input: { contactId?: string; userId?: string; score: number; answeredAt: string; answers?: Answers },
  ) {
    assertAllowed(auth, 'create');
    const survey = await requireSurvey(auth, id);
    if (survey.status === 'closed') throw surveyClosed();
    let contactId: string | null = null;
    let accountId: string | null = null;
    let userId: string | null = null;
    if (survey.type === 'enps') {
      if (input.contactId) throw badRequest('An eNPS answer is a user’s, not a contact’s.', 'contactId');
      if (!input.userId) throw badRequest('An eNPS answer needs "userId".', 'userId');
      await inviteesFromUsers(auth, [input.userId]).catch(() => {
        throw badRequest('No active user of the organization with this id.', 'userId');
      });
      userId = input.userId;
    } else {
      if (input.userId) throw badRequest('An NPS or CSAT answer is a contact’s, not a user’s.', 'userId');
      if (!input.contactId) throw badRequest('An NPS or CSAT answer needs "contactId".', 'contactId');
      if (!canModuleAction(auth, 'contacts', 'read')) throw forbidden('Your profile does not allow you to read contacts.');
      const scope = (await loadRecordScopes(database.db, auth))('contacts').read;
      const [contact] = await findContacts(database.db, auth.orgSchema, [input.contactId]);
      if (!contact || !isOwnerInScope(scope, contact.owner_id)) throw badRequest('No contact with this id that you can see.', 'contactId');
      contactId = contact.id;
      accountId = contact.account_id;
    }
    const answers = checkAnswer(survey.type, survey.questions, input.score, input.answers);
    const answeredAt = new Date(input.answeredAt);
    if (answeredAt.getTime() > ctx.now().getTime() + 60_000) throw badRequest('The answer cannot be in the future.', 'answeredAt');
    const responseId = newId();
    await database.transaction('kam.survey-response', async (trx) => {
      await assertStillOpen(trx, auth.orgSchema, id);
      await insertResponse(trx, auth.orgSchema, {
        id: responseId,
        survey_id: id,
        invitation_id: null,
        contact_id: contactId,
        account_id: accountId,
        user_id: userId,
        score: input.score,
        answered_at: answeredAt,
        answers,
      });
    });
    return { id: responseId, surveyId: id, contactId, accountId, score: input.score, answeredAt: answeredAt.toISOString() };
  }

  /** The invitation behind a public link (404 for anything else: a wrong token tells nothing). */
  async function findByToken(token: string) {
    const orgId = orgIdOf(token);
    const org = orgId ? await findOrganization(database.db, orgId) : undefined;
    if (!org) throw notFound('The survey');
    const invitation = await findInvitationByHash(database.db, org.schema_name, sha256(token));
    if (!invitation) throw notFound('The survey');
    const survey = await findSurvey(database.db, org.schema_name, invitation.survey_id);
    if (!survey) throw notFound('The survey');
    return { org, invitation, survey };
  }

  async function publicSurvey(token: string, ip: string) {
    return throttled(ip, () => readPublicSurvey(token));
  }

  async function readPublicSurvey(token: string) {
    const { org, invitation, survey } = await findByToken(token);
    let language: MailLanguage = mailLanguage(org.default_language);
    if (invitation.user_id) language = mailLanguage((await findUserLanguage(database.db, invitation.user_id)) ?? org.default_language);
    return {
      organization: org.name,
      name: survey.name,
      type: survey.type,
      language,
      questions: survey.questions,
      answered: invitation.answered_at !== null,
      closed: survey.status === 'closed',
    };
  }

  /** One answer per link: the second is a 409. A contact's answer counts for the account the contact belongs to now. */
  async function publicAnswer(input: { token: string; score: number; answers?: Answers }, ip: string) {
    await throttled(ip, () => answerPublic(input));
  }

  async function answerPublic(input: { token: string; score: number; answers?: Answers }) {
    const { org, invitation, survey } = await findByToken(input.token);
    if (survey.status === 'closed') throw surveyClosed();
    const answers = checkAnswer(survey.type, survey.questions, input.score, input.answers);
    const contact = invitation.contact_id ? (await findContacts(database.db, org.schema_name, [invitation.contact_id]))[0] : undefined;
    const now = ctx.now();
    await database.transaction('kam.survey-answer', async (trx) => {
      await assertStillOpen(trx, org.schema_name, survey.id);
      if (!(await claimInvitation(trx, org.schema_name, invitation.id, now)))
        throw new AppError('conflict', 'This survey has already been answered with this link.', { reason: 'already_answered' });
      await insertResponse(trx, org.schema_name, {
        id: newId(),
        survey_id: survey.id,
        invitation_id: invitation.id,
        contact_id: invitation.contact_id,
        account_id: contact?.account_id ?? null,
        user_id: invitation.user_id,
        score: input.score,
        answered_at: now,
        answers,
      });
    });
  }

  /** Closes the survey (its links then say so and take no answer; the API records none) or opens it again. */
  async function setClosed(auth: AuthContext, id: string, closed: boolean) {
    assertAllowed(auth, 'create');
    await requireSurvey(auth, id);
    await database.transaction(closed ? 'kam.survey-close' : 'kam.survey-reopen', (trx) =>
      closed ? closeSurvey(trx, auth.orgSchema, id) : reopenSurvey(trx, auth.orgSchema, id),
    );
    return presentSurvey(await requireSurvey(auth, id));
  }

  return {
    create,
    list,
    get,
    send,
    close: (auth: AuthContext, id: string) => setClosed(auth, id, true),
    reopen: (auth: AuthContext, id: string) => setClosed(auth, id, false),
    recordResponse,
    publicSurvey,
    publicAnswer,
  };
}

export type SurveyService = ReturnType<typeof createSurveyService>;
