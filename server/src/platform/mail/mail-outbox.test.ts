import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext, type TestUser } from '../../test/test-app.js';

let t: TestContext;
beforeAll(async () => {
  t = await createTestContext();
});
afterAll(() => t.close());

async function readAll(as: TestUser, limit: number) {
  const mails: Array<{ id: string; to: string; subject: string; status: string; text: string }> = [];
  let cursor: string | null = null;
  do {
    const page = await t.request('GET', `/api/v1/mail-outbox?limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`, { as });
    expect(page.statusCode, page.body).toBe(200);
    mails.push(...page.data.data);
    cursor = page.data.nextCursor;
  } while (cursor);
  return mails;
}

describe('GET /mail-outbox', () => {
  it('lists the organization’s mail newest first, a page at a time, with status and text', async () => {
    const admin = await t.make.org();
    for (let i = 1; i <= 5; i++)
      await t.app.ctx.mailer.send({
        orgId: admin.orgId,
        to: `person${i}@example.test`,
        subject: `Hello ${i}`,
        text: `Body ${i} https://clave.test/x`,
      });
    const first = await t.request('GET', '/api/v1/mail-outbox?limit=2', { as: admin });
    expect(first.statusCode).toBe(200);
    expect(first.data.data).toHaveLength(2);
    expect(first.data.data[0]).toMatchObject({
      to: 'person5@example.test',
      subject: 'Hello 5',
      status: 'sent',
      error: null,
      text: 'Body 5 https://clave.test/x',
    });
    expect(first.data.data[0].sentAt).not.toBeNull();
    expect(first.data.nextCursor).toEqual(expect.any(String));
    const all = await readAll(admin, 2);
    expect(all.map((m) => m.subject)).toEqual(['Hello 5', 'Hello 4', 'Hello 3', 'Hello 2', 'Hello 1']);
    expect((await readAll(admin, 50)).map((m) => m.id)).toEqual(all.map((m) => m.id));
  });

  it('refuses bad parameters with 400', async () => {
    const admin = await t.make.org();
    for (const query of ['limit=0', 'limit=abc', 'cursor=xyz', 'status=sent']) {
      expect((await t.request('GET', `/api/v1/mail-outbox?${query}`, { as: admin })).statusCode, query).toBe(400);
    }
  });

  it('is for administrators only and never shows another organization’s mail', async () => {
    const admin = await t.make.org();
    const other = await t.make.org();
    const standard = await t.make.user(admin);
    await t.app.ctx.mailer.send({ orgId: other.orgId, to: 'secret@other.test', subject: 'Theirs', text: 'private' });
    await t.app.ctx.mailer.send({ orgId: null, to: 'system@clave.test', subject: 'No org', text: 'system' });
    expect((await t.request('GET', '/api/v1/mail-outbox', { as: standard })).statusCode).toBe(403);
    expect(await readAll(admin, 50)).toEqual([]);
    expect((await readAll(other, 50)).map((m) => m.subject)).toEqual(['Theirs']);
  });
});

describe('one-time links in the outbox', () => {
  it('keeps only a safe copy of delivered mail: the token of a verification link is hidden', async () => {
    const admin = await t.make.org();
    const user = await t.make.user(admin);
    const added = await t.request('POST', '/api/v1/me/emails', { as: user, body: { email: `second.${Date.now()}@example.test` } });
    expect(added.statusCode).toBe(201);
    const delivered = await t.mail.waitFor((m) => m.to.includes(added.data.email) && m.text.includes('/verify-email?token='));
    const token = /verify-email\?token=([^\s&"<>]+)/.exec(delivered.text)![1]!;
    const outbox = await t.request('GET', '/api/v1/mail-outbox?limit=50', { as: admin });
    const copy = outbox.data.data.find((m: { to: string }) => m.to === added.data.email);
    expect(copy.text).toContain('/verify-email?token=[hidden]');
    expect(JSON.stringify(outbox.data)).not.toContain(token);
  });
});

describe('request log', () => {
  it('never writes the secret of a one-time link', async () => {
    const { serializeRequest } = await import('../../app.js');
    const logged = serializeRequest({
      id: 'req-1',
      method: 'GET',
      url: '/api/v1/invitations/lookup?token=abc123secret&x=1',
      ip: '127.0.0.1',
    });
    expect(logged.url).toBe('/api/v1/invitations/lookup?token=[hidden]&x=1');
  });
});
