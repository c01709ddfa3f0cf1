import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext, type TestUser } from '../../test/test-app.js';
import { waitFor } from '../../test/wait-for.js';
import { getScoringEngine } from './index.js';

/** Recalculation through the real job queue: queued by a rule change, in chunks, each job queuing the next. */
let t: TestContext;
let admin: TestUser;

beforeAll(async () => {
  t = await createTestContext();
  await t.app.ctx.jobs.start();
  admin = await t.make.org();
});
afterAll(() => t.close());

async function scores(): Promise<Map<string, number | null>> {
  const response = await t.request('POST', '/api/v1/records/leads/query', {
    as: admin,
    body: { limit: 100, fields: ['score', 'last_name'] },
  });
  expect(response.statusCode, response.body).toBe(200);
  return new Map((response.data.data as Array<{ id: string; score: number | null }>).map((row) => [row.id, row.score]));
}

describe('recalculate all', () => {
  it('a saved rule rescores the module in a job; a recalculation goes chunk by chunk and goes on in the next job', async () => {
    const hot: string[] = [];
    for (let i = 0; i < 7; i++) {
      const response = await t.request('POST', '/api/v1/records/leads?allowDuplicates=true', {
        as: admin,
        body: { last_name: `Lote ${i}`, rating: i % 2 === 0 ? 'hot' : 'cold' },
      });
      expect(response.statusCode, response.body).toBe(201);
      if (i % 2 === 0) hot.push(response.data.data.id);
    }
    // The leads exist before the rule: their events found nothing to do, only the recalculation can score them.
    const schema = (
      await t.database.db.selectFrom('platform.organizations').select('schema_name').where('id', '=', admin.orgId).executeTakeFirstOrThrow()
    ).schema_name;
    const response = await t.request('POST', '/api/v1/automation/scoring-rules', {
      as: admin,
      body: { module: 'leads', name: 'Calientes', fieldRules: [{ criteria: { field: 'rating', op: 'eq', value: 'hot' }, points: 5 }] },
    });
    expect(response.statusCode, response.body).toBe(201);
    await waitFor(
      async () => [...(await scores()).entries()].every(([id, score]) => score === (hot.includes(id) ? 5 : 0)),
      'the job after saving',
    );

    // The rule changed behind the API's back (no job queued): only the recalculation below rescores.
    await sql`UPDATE ${sql.id(schema, 'automation_scoring_rules')} SET field_rules = jsonb_set(field_rules, '{0,points}', '8')`.execute(
      t.database.db,
    );
    const engine = getScoringEngine(t.app.ctx);
    await engine.rulesChanged(admin.orgId);
    // Two records per transaction, one chunk in this job: the rest is left to the job it queues.
    await engine.recalculate({ orgId: admin.orgId, module: 'leads', after: null }, { chunk: 2, chunksPerJob: 1 });
    await waitFor(async () => [...(await scores()).entries()].every(([id, score]) => score === (hot.includes(id) ? 8 : 0)), 'the next job');
    const { rows } = await sql<{ keys: number }>`SELECT count(DISTINCT key)::int AS keys FROM ${sql.id(schema, 'automation_scoring_runs')}
      WHERE trigger = 'recalculate' AND score_after = 8`.execute(t.database.db);
    expect(rows[0]!.keys).toBeGreaterThanOrEqual(2);
  });
});
