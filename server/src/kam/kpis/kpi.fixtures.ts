import { sql } from 'kysely';
import { expect } from 'vitest';
import { newId } from '../../platform/ids.js';
import type { TestContext, TestUser } from '../../test/test-app.js';

/**
 * Test helpers for the KPI engine: records through the records API, and what
 * the API cannot set (creation times, system fields, survey answers, whose
 * API another feature owns) written straight into the organization's tables.
 */
export function kpiFixtures(t: TestContext) {
  async function api(as: TestUser, method: 'GET' | 'POST' | 'PATCH' | 'PUT', url: string, body?: unknown) {
    const response = await t.request(method, url, { as, body });
    expect(response.statusCode, `${method} ${url} ${response.body}`).toBeLessThan(300);
    return response.data;
  }

  async function schemaOf(orgId: string): Promise<string> {
    const row = await t.database.db
      .selectFrom('platform.organizations')
      .select('schema_name')
      .where('id', '=', orgId)
      .executeTakeFirstOrThrow();
    return row.schema_name;
  }

  return {
    api,
    /** Creates a record through the API and returns its id. */
    async create(as: TestUser, module: string, values: Record<string, unknown>): Promise<string> {
      return (await api(as, 'POST', `/api/v1/records/${module}?allowDuplicates=true`, values)).data.id as string;
    },
    /** Creates records in one bulk call and returns their ids, in order. */
    async createMany(as: TestUser, module: string, records: Array<Record<string, unknown>>): Promise<string[]> {
      const result = await api(as, 'POST', `/api/v1/records/${module}/bulk`, { mode: 'create', records });
      const ids = (result.data as Array<{ status: string; id?: string; errors?: unknown }>).map((row) => {
        expect(row.status, JSON.stringify(row)).toBe('created');
        return row.id!;
      });
      return ids;
    },
    /** Sets columns the API keeps for itself (created_at, sla_due_at, converted_at). */
    async setColumns(orgId: string, table: string, ids: string[], values: Record<string, unknown>): Promise<void> {
      const schema = await schemaOf(orgId);
      const assignments = Object.entries(values).map(([column, value]) => sql`${sql.ref(column)} = ${value}`);
      await sql`UPDATE ${sql.table(`${schema}.${table}`)} SET ${sql.join(assignments)} WHERE id = ANY(${ids}::uuid[])`.execute(
        t.database.db,
      );
    },
    /** A survey of the kam tables and its answers (the surveys API is another feature's). */
    async survey(
      orgId: string,
      type: 'nps' | 'csat' | 'enps',
      answers: Array<{ score: number; at: string; accountId?: string; contactId?: string; userId?: string }>,
    ): Promise<string[]> {
      const schema = await schemaOf(orgId);
      const surveyId = newId();
      await sql`INSERT INTO ${sql.table(`${schema}.kam_surveys`)} (id, name, type, status) VALUES (${surveyId}, ${`Survey ${type}`}, ${type}, 'sent')`.execute(
        t.database.db,
      );
      const ids: string[] = [];
      for (const answer of answers) {
        const id = newId();
        ids.push(id);
        await sql`INSERT INTO ${sql.table(`${schema}.kam_survey_responses`)} (id, survey_id, contact_id, account_id, user_id, score, answered_at)
          VALUES (${id}, ${surveyId}, ${answer.contactId ?? null}, ${answer.accountId ?? null}, ${answer.userId ?? null}, ${answer.score}, ${answer.at}::timestamptz)`.execute(
          t.database.db,
        );
      }
      return ids;
    },
    async setTargets(orgId: string, targets: Record<string, unknown>): Promise<void> {
      const schema = await schemaOf(orgId);
      await sql`INSERT INTO ${sql.table(`${schema}.kam_settings`)} (singleton, targets) VALUES (true, ${JSON.stringify(targets)}::jsonb)
        ON CONFLICT (singleton) DO UPDATE SET targets = excluded.targets`.execute(t.database.db);
    },
  };
}
