import { sql, type RawBuilder } from 'kysely';
import type { Executor } from '../../db/database.js';
import { quoteIdent } from '../../records/index.js';
import type { Question, SurveyType } from './survey.schemas.js';

/** SQL on the survey tables of an organization's schema (org migration 0009-kam). */
const t = (schema: string, table: string) => sql.raw(`${quoteIdent(schema)}.${quoteIdent(table)}`);

export interface SurveyRow {
  id: string;
  name: string;
  type: SurveyType;
  questions: Question[];
  status: 'draft' | 'sent' | 'closed';
  created_by: string | null;
  created_at: Date;
  invited: number;
  answered: number;
}

export interface InvitationRow {
  id: string;
  survey_id: string;
  contact_id: string | null;
  user_id: string | null;
  email: string | null;
  answered_at: Date | null;
}

/** Whose responses a reader counts: null = all; else responses of accounts (or, with no account, contacts) owned by these users. */
export interface ResponseVisibility {
  accountOwners: string[] | null;
  contactOwners: string[] | null;
}

const surveyColumns = (schema: string) => sql`s.id, s.name, s.type, s.questions, s.status, s.created_by, s.created_at,
  (SELECT count(*)::int FROM ${t(schema, 'kam_survey_invitations')} i WHERE i.survey_id = s.id) AS invited,
  (SELECT count(*)::int FROM ${t(schema, 'kam_survey_invitations')} i WHERE i.survey_id = s.id AND i.answered_at IS NOT NULL) AS answered`;

export async function insertSurvey(
  executor: Executor,
  schema: string,
  row: { id: string; name: string; type: SurveyType; questions: Question[]; created_by: string },
): Promise<void> {
  await sql`INSERT INTO ${t(schema, 'kam_surveys')} (id, name, type, questions, created_by)
    VALUES (${row.id}, ${row.name}, ${row.type}, ${JSON.stringify(row.questions)}::jsonb, ${row.created_by})`.execute(executor);
}

export async function listSurveys(executor: Executor, schema: string): Promise<SurveyRow[]> {
  const result =
    await sql<SurveyRow>`SELECT ${surveyColumns(schema)} FROM ${t(schema, 'kam_surveys')} s ORDER BY s.created_at DESC, s.id DESC LIMIT 500`.execute(
      executor,
    );
  return result.rows;
}

export async function findSurvey(executor: Executor, schema: string, id: string): Promise<SurveyRow | undefined> {
  const result = await sql<SurveyRow>`SELECT ${surveyColumns(schema)} FROM ${t(schema, 'kam_surveys')} s WHERE s.id = ${id}`.execute(
    executor,
  );
  return result.rows[0];
}

export async function markSurveySent(executor: Executor, schema: string, id: string): Promise<void> {
  await sql`UPDATE ${t(schema, 'kam_surveys')} SET status = 'sent', updated_at = now() WHERE id = ${id} AND status = 'draft'`.execute(
    executor,
  );
}

/** Closes a survey: its links and the API take no more answers. */
export async function closeSurvey(executor: Executor, schema: string, id: string): Promise<void> {
  await sql`UPDATE ${t(schema, 'kam_surveys')} SET status = 'closed', updated_at = now() WHERE id = ${id} AND status <> 'closed'`.execute(
    executor,
  );
}

/** Opens a closed survey again: sent when it has invitations or answers, else a draft. */
export async function reopenSurvey(executor: Executor, schema: string, id: string): Promise<void> {
  await sql`UPDATE ${t(schema, 'kam_surveys')} s SET updated_at = now(), status = CASE
      WHEN EXISTS (SELECT 1 FROM ${t(schema, 'kam_survey_invitations')} i WHERE i.survey_id = s.id)
        OR EXISTS (SELECT 1 FROM ${t(schema, 'kam_survey_responses')} r WHERE r.survey_id = s.id) THEN 'sent'
      ELSE 'draft' END
    WHERE s.id = ${id} AND s.status = 'closed'`.execute(executor);
}

/**
 * The survey's status, its row locked against closing until the transaction ends (FOR SHARE): an answer
 * checked open is written before a close that started after it.
 */
export async function lockSurveyStatus(executor: Executor, schema: string, id: string): Promise<SurveyRow['status'] | undefined> {
  const result = await sql<{
    status: SurveyRow['status'];
  }>`SELECT status FROM ${t(schema, 'kam_surveys')} WHERE id = ${id} FOR SHARE`.execute(executor);
  return result.rows[0]?.status;
}

export async function insertInvitations(
  executor: Executor,
  schema: string,
  rows: Array<{ id: string; survey_id: string; contact_id: string | null; user_id: string | null; email: string; token_hash: string }>,
): Promise<void> {
  if (rows.length === 0) return;
  const values = rows.map((r) => sql`(${r.id}, ${r.survey_id}, ${r.contact_id}, ${r.user_id}, ${r.email}, ${r.token_hash})`);
  await sql`INSERT INTO ${t(schema, 'kam_survey_invitations')} (id, survey_id, contact_id, user_id, email, token_hash)
    VALUES ${sql.join(values)}`.execute(executor);
}

export async function markInvitationsSent(executor: Executor, schema: string, ids: string[], at: Date): Promise<void> {
  if (ids.length === 0) return;
  await sql`UPDATE ${t(schema, 'kam_survey_invitations')} SET sent_at = ${at} WHERE id = ANY(${ids}::uuid[])`.execute(executor);
}

export async function findInvitationByHash(executor: Executor, schema: string, tokenHash: string): Promise<InvitationRow | undefined> {
  const result = await sql<InvitationRow>`SELECT id, survey_id, contact_id, user_id, email, answered_at
    FROM ${t(schema, 'kam_survey_invitations')} WHERE token_hash = ${tokenHash}`.execute(executor);
  return result.rows[0];
}

/** Marks the invitation answered unless it already was; false when it was (the link works once). */
export async function claimInvitation(executor: Executor, schema: string, id: string, at: Date): Promise<boolean> {
  const result = await sql`UPDATE ${t(schema, 'kam_survey_invitations')} SET answered_at = ${at}
    WHERE id = ${id} AND answered_at IS NULL`.execute(executor);
  return Number(result.numAffectedRows ?? 0) > 0;
}

export async function insertResponse(
  executor: Executor,
  schema: string,
  row: {
    id: string;
    survey_id: string;
    invitation_id: string | null;
    contact_id: string | null;
    account_id: string | null;
    user_id: string | null;
    score: number;
    answered_at: Date;
    answers: Record<string, string | number>;
  },
): Promise<void> {
  await sql`INSERT INTO ${t(schema, 'kam_survey_responses')}
    (id, survey_id, invitation_id, contact_id, account_id, user_id, score, answered_at, answers)
    VALUES (${row.id}, ${row.survey_id}, ${row.invitation_id}, ${row.contact_id}, ${row.account_id}, ${row.user_id}, ${row.score},
      ${row.answered_at}, ${JSON.stringify(row.answers)}::jsonb)`.execute(executor);
}

function visibleResponses(schema: string, visibility: ResponseVisibility): RawBuilder<unknown> {
  const byAccount =
    visibility.accountOwners === null
      ? sql`r.account_id IS NOT NULL`
      : sql`EXISTS (SELECT 1 FROM ${t(schema, 'accounts')} a WHERE a.id = r.account_id AND a.owner_id = ANY(${visibility.accountOwners}::uuid[]))`;
  const byContact =
    visibility.contactOwners === null
      ? sql`r.account_id IS NULL`
      : sql`r.account_id IS NULL AND EXISTS (SELECT 1 FROM ${t(schema, 'contacts')} c WHERE c.id = r.contact_id AND c.owner_id = ANY(${visibility.contactOwners}::uuid[]))`;
  if (visibility.accountOwners === null && visibility.contactOwners === null) return sql`true`;
  return sql`((${byAccount}) OR (${byContact}))`;
}

/** How many answers gave each score (only the responses the reader counts). */
export async function scoreDistribution(
  executor: Executor,
  schema: string,
  surveyId: string,
  visibility: ResponseVisibility,
): Promise<Array<{ score: number; count: number }>> {
  const result = await sql<{ score: number; count: number }>`SELECT r.score, count(*)::int AS count
    FROM ${t(schema, 'kam_survey_responses')} r WHERE r.survey_id = ${surveyId} AND ${visibleResponses(schema, visibility)}
    GROUP BY r.score ORDER BY r.score`.execute(executor);
  return result.rows;
}

export async function recentResponses(executor: Executor, schema: string, surveyId: string, visibility: ResponseVisibility, limit: number) {
  const result = await sql<{
    id: string;
    contact_id: string | null;
    account_id: string | null;
    score: number;
    answered_at: Date;
    answers: Record<string, string | number>;
  }>`SELECT r.id, r.contact_id, r.account_id, r.score, r.answered_at, r.answers
    FROM ${t(schema, 'kam_survey_responses')} r WHERE r.survey_id = ${surveyId} AND ${visibleResponses(schema, visibility)}
    ORDER BY r.answered_at DESC, r.id DESC LIMIT ${limit}`.execute(executor);
  return result.rows;
}

/** Contacts to invite: e-mail, account and owner (live ones only). */
export async function findContacts(executor: Executor, schema: string, ids: string[]) {
  if (ids.length === 0) return [];
  const result = await sql<{
    id: string;
    owner_id: string;
    email: string | null;
    account_id: string | null;
    first_name: string | null;
    last_name: string | null;
  }>`
    SELECT id, owner_id, email, account_id, first_name, last_name FROM ${t(schema, 'contacts')}
    WHERE id = ANY(${ids}::uuid[]) AND deleted_at IS NULL`.execute(executor);
  return result.rows;
}

/** Active users of the organization with their primary address and language. */
export async function findUsers(executor: Executor, orgId: string, ids: string[]) {
  if (ids.length === 0) return [];
  return executor
    .selectFrom('platform.users as u')
    .innerJoin('platform.user_emails as e', (join) => join.onRef('e.user_id', '=', 'u.id').on('e.is_primary', '=', true))
    .select(['u.id', 'u.name', 'u.language', 'e.email'])
    .where('u.org_id', '=', orgId)
    .where('u.active', '=', true)
    .where('u.id', 'in', ids)
    .execute();
}

/** The organization a public survey link belongs to. */
export async function findOrganization(executor: Executor, orgId: string) {
  return executor
    .selectFrom('platform.organizations')
    .select(['id', 'name', 'schema_name', 'default_language'])
    .where('id', '=', orgId)
    .executeTakeFirst();
}

export async function findUserLanguage(executor: Executor, userId: string): Promise<string | null> {
  const row = await executor.selectFrom('platform.users').select('language').where('id', '=', userId).executeTakeFirst();
  return row?.language ?? null;
}
