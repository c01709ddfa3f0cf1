import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext, type TestUser } from '../../test/test-app.js';

/**
 * The sandbox, for real: QuickJS in a worker thread, driven through the test endpoint. Each escape attempt must fail
 * with a clear reason in the run (and in the function's log) while the server goes on answering.
 */

let t: TestContext;
let admin: TestUser;
let limited: TestUser;
let stranger: TestUser;
let adminLead: string;
let limitedLead: string;
let strangerLead: string;

const ALL = { create: true, read: true, edit: true, delete: true, import: false, export: false };

async function createLead(as: TestUser, body: Record<string, unknown> = {}) {
  const response = await t.request('POST', '/api/v1/records/leads?allowDuplicates=true', { as, body: { last_name: 'Prueba', ...body } });
  expect(response.statusCode, response.body).toBe(201);
  return response.data.data.id as string;
}

/** Creates a function (owned by `owner`) and runs its test on a lead; returns the run. */
async function run(
  code: string,
  options: { owner?: TestUser; recordId?: string; timeoutMs?: number; memoryMb?: number; allowedHosts?: string[] } = {},
) {
  const created = await t.request('POST', '/api/v1/automation/functions', {
    as: admin,
    body: {
      name: `f-${Math.random().toString(36).slice(2)}`,
      code,
      ownerId: (options.owner ?? admin).userId,
      ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
      ...(options.memoryMb ? { memoryMb: options.memoryMb } : {}),
      ...(options.allowedHosts ? { allowedHosts: options.allowedHosts } : {}),
    },
  });
  expect(created.statusCode, created.body).toBe(201);
  const response = await t.request('POST', `/api/v1/automation/functions/${created.data.id}/test`, {
    as: admin,
    body: { module: 'leads', recordId: options.recordId ?? adminLead },
  });
  expect(response.statusCode, response.body).toBe(200);
  const runs = await t.request('GET', `/api/v1/automation/functions/${created.data.id}/runs`, { as: admin });
  expect(runs.data.data[0]).toMatchObject({ id: response.data.id, status: response.data.status, error: response.data.error });
  return response.data as { status: string; result: unknown; error: string | null; logs: string[]; durationMs: number };
}

beforeAll(async () => {
  t = await createTestContext();
  admin = await t.make.org();
  const profile = await t.request('POST', '/api/v1/profiles', {
    as: admin,
    body: { name: 'Sin descripción', modules: { '*': ALL }, fields: { leads: { description: 'hidden' } } },
  });
  expect(profile.statusCode, profile.body).toBe(201);
  limited = await t.make.user(admin, { profileId: profile.data.id });
  stranger = await t.make.org();
  adminLead = await createLead(admin, { company: 'Admin SA' });
  limitedLead = await createLead(limited, { company: 'Limitada SL' });
  strangerLead = await createLead(stranger, { company: 'Ajena SA' });
});
afterAll(() => t.close());

describe('custom function sandbox', () => {
  it('stops an infinite loop at the time limit while the server keeps answering', async () => {
    let looping = true;
    const loop = run('while (true) {}', { timeoutMs: 1500 }).finally(() => (looping = false));
    // The loop runs in a worker: a request made meanwhile is answered while it still loops.
    await new Promise((resolve) => setTimeout(resolve, 700));
    const during = await t.request('GET', `/api/v1/records/leads/${adminLead}`, { as: admin });
    expect(during.statusCode).toBe(200);
    expect(looping).toBe(true);
    const result = await loop;
    expect(result.status).toBe('failed');
    expect(result.error).toMatch(/time limit \(1.5 s\)/);
    expect(result.durationMs).toBeGreaterThanOrEqual(1400);
    expect(result.durationMs).toBeLessThan(5000);
  });

  it('stops a loop after an await, and a memory bomb at the memory limit', async () => {
    const late = await run("await clave.records.get('leads', input.record.id);\nfor (;;) {}", { timeoutMs: 1000 });
    expect(late.error).toMatch(/time limit/);
    const bomb = await run('const all = [];\nwhile (true) all.push({ n: all.length, text: "x" + all.length });', { memoryMb: 16 });
    expect(bomb.status).toBe('failed');
    expect(bomb.error).toMatch(/memory limit \(16 MB\)/);
  });

  it('has no process, require, import, timers or fetch, and nothing of the host in globalThis', async () => {
    const probe = await run(
      [
        'return {',
        '  types: [typeof process, typeof require, typeof setTimeout, typeof setInterval, typeof fetch, typeof module, typeof Buffer],',
        '  globals: Object.getOwnPropertyNames(globalThis).filter((name) => /host|log|process|require|worker|std|os/i.test(name)),',
        '};',
      ].join('\n'),
    );
    expect(probe.status).toBe('done');
    expect(probe.result).toEqual({ types: Array(7).fill('undefined'), globals: [] });

    const required = await run("const fs = require('fs');\nreturn fs;");
    expect(required.error).toMatch(/'require' is not defined \(line 1\)/);
    const imported = await run("const os = await import('node:os');\nreturn os.hostname();");
    expect(imported.status).toBe('failed');
    expect(imported.error).toMatch(/could not load module/);
    const processed = await run('return process.env;');
    expect(processed.error).toMatch(/'process' is not defined/);
  });

  it('keeps prototype pollution and tampering inside the sandbox', async () => {
    const polluted = await run(
      [
        'Object.prototype.polluted = "yes";',
        'Array.prototype.map = () => "hijacked";',
        'try { clave.records.get = () => "mine"; } catch (error) { clave.log("frozen:", error.message); }',
        'const record = await clave.records.get("leads", input.record.id);',
        'return { company: record.company, mapped: [1].map((x) => x) };',
      ].join('\n'),
    );
    expect(polluted.status).toBe('done');
    expect(polluted.result).toEqual({ company: 'Admin SA', mapped: 'hijacked' });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect([1].map((x) => x * 2)).toEqual([2]);
    const after = await t.request('GET', `/api/v1/records/leads/${adminLead}`, { as: admin });
    expect(after.data.data.polluted).toBeUndefined();
  });

  it('calls only the allowed hosts, over https', async () => {
    const other = await run("return await clave.http.fetch('https://example.org/x');", { allowedHosts: ['api.example.com'] });
    expect(other.status).toBe('failed');
    expect(other.error).toMatch(/http\.fetch: The host "example\.org" is not among this function's allowed hosts/);
    const plain = await run("return await clave.http.fetch('http://api.example.com/x');", { allowedHosts: ['api.example.com'] });
    expect(plain.error).toMatch(/Only https:\/\//);
    const sub = await run("return await clave.http.fetch('https://evil.api.example.com/x');", { allowedHosts: ['api.example.com'] });
    expect(sub.error).toMatch(/not among this function's allowed hosts/);
    const caught = await run(
      "try { await clave.http.fetch('https://127.0.0.1:1/'); } catch (error) { clave.log('refused:', error.message); }\nreturn 'went on';",
    );
    expect(caught).toMatchObject({ status: 'done', result: 'went on' });
    expect(caught.logs[0]).toMatch(/^refused: http\.fetch: The host "127\.0\.0\.1"/);
  });

  it('sees records as its owner: another organization’s and hidden ones are 404, hidden fields cannot be written', async () => {
    const foreign = await run(`return await clave.records.get('leads', '${strangerLead}');`);
    expect(foreign.error).toMatch(/records\.get: The record does not exist or you cannot see it/);
    const notShared = await run(`return await clave.records.get('leads', '${adminLead}');`, { owner: limited, recordId: limitedLead });
    expect(notShared.error).toMatch(/records\.get: The record does not exist or you cannot see it/);
    const own = await run(
      `const lead = await clave.records.get('leads', input.record.id);\nreturn Object.keys(lead).includes('description');`,
      {
        owner: limited,
        recordId: limitedLead,
      },
    );
    expect(own).toMatchObject({ status: 'done', result: false });
    const hidden = await run(`return await clave.records.update('leads', input.record.id, { description: 'secreto' });`, {
      owner: limited,
      recordId: limitedLead,
    });
    expect(hidden.status).toBe('failed');
    expect(hidden.error).toMatch(/records\.update: .*description/);
    const listed = await run(`return (await clave.records.query('leads', null, 100)).map((lead) => lead.company);`, {
      owner: limited,
      recordId: limitedLead,
    });
    expect(listed.result).toEqual(['Limitada SL']);
    // The test run's input is the record as the owner sees it: a record the owner cannot see is a 404 before any run.
    const fn = await t.request('GET', '/api/v1/automation/functions', { as: admin });
    const limitedFn = fn.data.data.find((f: { ownerId: string }) => f.ownerId === limited.userId);
    const refused = await t.request('POST', `/api/v1/automation/functions/${limitedFn.id}/test`, {
      as: admin,
      body: { module: 'leads', recordId: adminLead },
    });
    expect(refused.statusCode).toBe(404);
  });
});
