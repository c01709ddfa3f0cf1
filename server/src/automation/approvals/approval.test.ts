import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext, type TestUser } from '../../test/test-app.js';
import { linkToken } from '../../test/mail-links.js';
import { waitFor } from '../../test/wait-for.js';

/**
 * The discount approval of AUT-2: a deal with a discount over 20 % needs the owner's manager, then every member of
 * the finance group. Record events, jobs and e-mail (real SMTP) run for real.
 */
let t: TestContext;
let admin: TestUser;
let manager: TestUser;
let rep: TestUser;
let financeA: TestUser;
let financeB: TestUser;
let outsider: TestUser;
let deputy: TestUser;
let processId: string;

const PROCESSES = '/api/v1/automation/approval-processes';
const APPROVALS = '/api/v1/automation/approvals';
const ALL = { create: true, read: true, edit: true, delete: true, import: true, export: false };
const NONE = { create: false, read: false, edit: false, delete: false, import: false, export: false };

async function ok(response: { statusCode: number; body: string; data: any }, status = 200) {
  expect(response.statusCode, response.body).toBe(status);
  return response.data;
}

async function role(name: string, parentId: string | null): Promise<string> {
  return (await ok(await t.request('POST', '/api/v1/roles', { as: admin, body: { name, parentId } }), 201)).id;
}

async function createDeal(as: TestUser, body: Record<string, unknown>): Promise<string> {
  return (await ok(await t.request('POST', '/api/v1/records/deals', { as, body: { amount: '10000.00', ...body } }), 201)).data.id;
}

async function panel(as: TestUser, id: string) {
  return ok(await t.request('GET', `${APPROVALS}/records/deals/${id}`, { as }));
}

/** The record's pending submission, once the record event was handled. */
async function pendingOf(id: string) {
  const found = await waitFor(async () => (await panel(admin, id)).submissions.find((s: any) => s.status === 'pending'), 'the submission');
  return found as Record<string, any>;
}

const decide = (as: TestUser | null, id: string, action: 'approve' | 'reject' | 'recall', comment?: string) =>
  t.request('POST', `${APPROVALS}/${id}/${action}`, { as, body: comment === undefined ? {} : { comment } });

beforeAll(async () => {
  t = await createTestContext();
  await t.app.ctx.jobs.start();
  admin = await t.make.org();
  const direction = await role('Dirección comercial', null);
  const sales = await role('Ventas', direction);
  manager = await t.make.user(admin, { name: 'Marta Jefa', roleId: direction });
  rep = await t.make.user(admin, { name: 'Sergio Vende', roleId: sales });
  financeA = await t.make.user(admin, { name: 'Fina Uno' });
  financeB = await t.make.user(admin, { name: 'Fina Dos' });
  outsider = await t.make.user(admin, { name: 'Otto Ajeno' });
  deputy = await t.make.user(admin, { name: 'Delia Suplente' });
  const group = await ok(
    await t.request('POST', '/api/v1/groups', {
      as: admin,
      body: {
        name: 'Finanzas',
        members: [
          { type: 'user', id: financeA.userId },
          { type: 'user', id: financeB.userId },
        ],
      },
    }),
    201,
  );
  await ok(await t.request('POST', '/api/v1/modules/deals/fields', { as: admin, body: { label: 'Descuento', type: 'percent' } }), 201);
  const created = await ok(
    await t.request('POST', PROCESSES, {
      as: admin,
      body: {
        name: 'Descuento alto',
        module: 'deals',
        trigger: 'create_or_edit',
        criteria: { field: 'descuento_c', op: 'gt', value: 20 },
        steps: [
          { name: 'Jefe directo', approvers: { type: 'manager', levels: 1 } },
          { name: 'Finanzas', approvers: { type: 'group', groupId: group.id, mode: 'all' } },
        ],
        onApprove: [{ type: 'field_update', field: 'description', value: 'Descuento aprobado' }],
        onReject: [
          { type: 'task', subject: 'Revisar el descuento de {{name}}', assignTo: 'owner' },
          { type: 'email', to: 'owner', subject: 'Descuento rechazado: {{name}}', body: 'Revisa el descuento de {{name}}.' },
        ],
      },
    }),
    201,
  );
  processId = created.id;
});
afterAll(async () => {
  await t.close();
});

describe('a discount over 20 % goes to the owner’s manager, then all of finance', () => {
  it('submits on create, locks the record (admins excepted), and approves step by step', async () => {
    const small = await createDeal(rep, { name: 'Pequeño', descuento_c: 5 });
    const id = await createDeal(rep, { name: 'Acme renovación', descuento_c: 25 });
    const submission = await pendingOf(id);
    expect(submission).toMatchObject({
      processId,
      processName: 'Descuento alto',
      recordName: 'Acme renovación',
      step: 0,
      stepName: 'Jefe directo',
      stepCount: 2,
      submittedBy: rep.userId,
      canRecall: true, // the administrator may recall it
      canDecide: false,
    });
    expect(submission.approvers.map((a: any) => a.userId)).toEqual([manager.userId]);
    expect((await panel(admin, small)).submissions).toEqual([]);

    // The manager's inbox and notification.
    const inbox = await ok(await t.request('GET', `${APPROVALS}?mine=pending`, { as: manager }));
    expect(inbox.data.map((s: any) => s.id)).toContain(submission.id);
    expect(inbox.pendingCount).toBeGreaterThanOrEqual(1);
    expect(inbox.data.find((s: any) => s.id === submission.id).canDecide).toBe(true);
    const notes = await ok(await t.request('GET', '/api/v1/notifications', { as: manager }));
    expect(notes.data.find((n: any) => n.kind === 'approval.requested')).toMatchObject({
      title: 'Aprobación pendiente: Acme renovación',
      link: `/records/deals/${id}`,
    });

    // Locked: the rep's edit, mass update and delete are refused with a clear message; an administrator may edit.
    const edit = await t.request('PATCH', `/api/v1/records/deals/${id}`, { as: rep, body: { amount: '9000.00' } });
    expect(edit.statusCode).toBe(409);
    expect(edit.data.error.message).toContain('Este registro está pendiente de aprobación');
    expect(edit.data.error.details).toMatchObject({ reason: 'approval_pending', submissionId: submission.id });
    const mass = await ok(
      await t.request('POST', '/api/v1/records/deals/mass-update', { as: rep, body: { ids: [id], values: { amount: '1.00' } } }),
    );
    expect(mass.data?.[0] ?? mass[0]).toMatchObject({ status: 'error' });
    expect((await t.request('DELETE', `/api/v1/records/deals/${id}`, { as: rep })).statusCode).toBe(409);
    expect((await t.request('GET', `/api/v1/records/deals/${id}`, { as: rep })).data.data.amount).toBe('10000.00');
    await ok(await t.request('PATCH', `/api/v1/records/deals/${id}`, { as: admin, body: { probability: 40 } }));

    // Only a current approver decides.
    expect((await decide(outsider, submission.id, 'approve')).statusCode).toBe(403);
    expect((await decide(financeA, submission.id, 'approve')).statusCode).toBe(403);
    expect((await decide(rep, submission.id, 'approve')).statusCode).toBe(403);
    expect((await decide(manager, submission.id, 'approve', 'x'.repeat(2001))).statusCode).toBe(400);
    expect((await t.request('POST', `${APPROVALS}/not-an-id/approve`, { as: manager, body: {} })).statusCode).toBe(400);

    const first = await ok(await decide(manager, submission.id, 'approve', 'Cliente estratégico'));
    expect(first).toMatchObject({ status: 'pending', step: 1, stepName: 'Finanzas' });
    expect(first.approvers.map((a: any) => a.userId).sort()).toEqual([financeA.userId, financeB.userId].sort());
    expect((await decide(manager, submission.id, 'approve')).statusCode).toBe(403);

    const half = await ok(await decide(financeA, submission.id, 'approve'));
    expect(half).toMatchObject({ status: 'pending', step: 1 });
    expect((await t.request('PATCH', `/api/v1/records/deals/${id}`, { as: rep, body: { amount: '9000.00' } })).statusCode).toBe(409);
    const done = await ok(await decide(financeB, submission.id, 'approve', 'Visto'));
    expect(done.status).toBe('approved');
    expect(done.decisions.map((d: any) => [d.decision, d.userId, d.comment])).toEqual([
      ['submit', rep.userId, null],
      ['approve', manager.userId, 'Cliente estratégico'],
      ['approve', financeA.userId, null],
      ['approve', financeB.userId, 'Visto'],
    ]);
    expect((await decide(financeB, submission.id, 'approve')).statusCode).toBe(409);

    // The approval action ran, the record is open again, and the timeline and the execution log say so.
    const deal = await ok(await t.request('GET', `/api/v1/records/deals/${id}`, { as: rep }));
    expect(deal.data.description).toBe('Descuento aprobado');
    await ok(await t.request('PATCH', `/api/v1/records/deals/${id}`, { as: rep, body: { amount: '9000.00' } }));
    const timeline = await ok(await t.request('GET', `/api/v1/records/deals/${id}/timeline`, { as: rep }));
    const kinds = timeline.data.map((entry: any) => entry.kind);
    expect(kinds.filter((k: string) => k === 'approval_approved')).toHaveLength(3);
    expect(kinds).toContain('approval_submitted');
    expect(timeline.data.find((e: any) => e.kind === 'approval_approved' && e.actorId === manager.userId).data).toMatchObject({
      comment: 'Cliente estratégico',
      step: 'Jefe directo',
    });
    const log = await ok(await t.request('GET', `/api/v1/automation/executions?recordId=${id}`, { as: admin }));
    const approved = log.data.find((e: any) => e.trigger === 'approval.approved');
    expect(approved).toMatchObject({ ruleId: processId, status: 'done' });
    expect(approved.actions[0]).toMatchObject({ type: 'field_update', status: 'done', detail: { to: 'Descuento aprobado' } });
    expect(log.data.find((e: any) => e.trigger === 'create')).toMatchObject({ ruleId: processId, status: 'done' });
    const notes2 = await ok(await t.request('GET', '/api/v1/notifications', { as: rep }));
    expect(notes2.data.map((n: any) => n.title)).toContain('Aprobado: Acme renovación');
  });

  it('a rejection ends it and runs the rejection actions (task and e-mail to the owner)', async () => {
    const id = await createDeal(rep, { name: 'Beta rebaja', descuento_c: 35 });
    const submission = await pendingOf(id);
    const rejected = await ok(await decide(manager, submission.id, 'reject', 'Demasiado'));
    expect(rejected).toMatchObject({ status: 'rejected', step: 0 });
    expect((await decide(manager, submission.id, 'approve')).statusCode).toBe(409);
    const log = await ok(await t.request('GET', `/api/v1/automation/executions?recordId=${id}`, { as: admin }));
    const run = log.data.find((e: any) => e.trigger === 'approval.rejected');
    expect(run.actions.map((a: any) => [a.type, a.status])).toEqual([
      ['task', 'done'],
      ['email', 'queued'],
    ]);
    const mail = await t.mail.waitFor((m) => m.subject === 'Descuento rechazado: Beta rebaja');
    expect(mail.to).toEqual([rep.email]);
    const tasks = await ok(
      await t.request('POST', '/api/v1/records/tasks/query', { as: rep, body: { filter: { field: 'related_id', op: 'eq', value: id } } }),
    );
    expect(tasks.data.map((task: any) => task.subject)).toEqual(['Revisar el descuento de Beta rebaja']);
    // Rejected: the rep may submit it again as it is, or change it.
    expect((await panel(rep, id)).manualProcesses).toEqual([{ id: processId, name: 'Descuento alto' }]);
    // Unlocked: the rep lowers the discount (no new submission: 10 % does not meet the criteria).
    await ok(await t.request('PATCH', `/api/v1/records/deals/${id}`, { as: rep, body: { descuento_c: 10 } }));
  });

  it('the submitter recalls a pending submission; nobody else can', async () => {
    const id = await createDeal(rep, { name: 'Gamma', descuento_c: 21 });
    const submission = await pendingOf(id);
    expect((await panel(manager, id)).submissions[0]).toMatchObject({ canRecall: false, canDecide: true });
    expect((await panel(rep, id)).submissions[0]).toMatchObject({ canRecall: true, canDecide: false });
    expect((await decide(manager, submission.id, 'recall')).statusCode).toBe(403);
    const recalled = await ok(await decide(rep, submission.id, 'recall', 'Me equivoqué'));
    expect(recalled).toMatchObject({ status: 'recalled', canRecall: false });
    expect((await decide(rep, submission.id, 'recall')).statusCode).toBe(409);
    expect((await decide(manager, submission.id, 'approve')).statusCode).toBe(409);
    await ok(await t.request('PATCH', `/api/v1/records/deals/${id}`, { as: rep, body: { amount: '5.00' } }));
    const inbox = await ok(await t.request('GET', `${APPROVALS}?mine=pending`, { as: manager }));
    expect(inbox.data.map((s: any) => s.id)).not.toContain(submission.id);
    // An approved or pending record offers no submission of the automatic process; a recalled one does.
    expect((await panel(rep, id)).manualProcesses.map((p: any) => p.id)).toEqual([processId]);
    const mine = await ok(await t.request('GET', `${APPROVALS}?mine=submitted`, { as: rep }));
    expect(mine.data.find((s: any) => s.id === submission.id).status).toBe('recalled');
  });

  it('e-mails the approver one-click links that decide once, as them', async () => {
    const id = await createDeal(rep, { name: 'Delta correo', descuento_c: 40 });
    const submission = await pendingOf(id);
    const mail = await t.mail.waitFor((m) => m.to.includes(manager.email) && m.text.includes('«Delta correo»'));
    expect(mail.text).toContain('Sergio Vende ha enviado «Delta correo» a aprobación (Descuento alto, paso 1: Jefe directo).');
    // A stable Message-ID: the same mail if the job runs again after a crash.
    expect(mail.raw.replace(/\r?\n[ \t]+/g, ' ')).toMatch(
      new RegExp(`Message-ID: +<approval\\.${submission.id}\\.0\\.${manager.userId}@clave>`),
    );
    const token = linkToken(mail, 'approval');
    expect(mail.text).toContain(`/approval?token=${token}&decision=reject`);

    const view = await ok(await t.request('GET', `/api/v1/public/approvals/link?token=${token}`, { as: null }));
    expect(view).toMatchObject({ recordName: 'Delta correo', approverName: 'Marta Jefa', stepName: 'Jefe directo', open: true });
    expect(
      (await t.request('GET', `/api/v1/public/approvals/link?token=${'0'.repeat(32)}${'a'.repeat(43)}`, { as: null })).statusCode,
    ).toBe(404);
    const bad = await t.request('POST', '/api/v1/public/approvals/link', { as: null, body: { token, decision: 'maybe' } });
    expect(bad.statusCode).toBe(400);
    const decided = await ok(
      await t.request('POST', '/api/v1/public/approvals/link', {
        as: null,
        body: { token, decision: 'approve', comment: 'Desde el correo' },
      }),
    );
    expect(decided.open).toBe(false);
    const after = await ok(await t.request('GET', `${APPROVALS}/${submission.id}`, { as: rep }));
    expect(after).toMatchObject({ status: 'pending', step: 1 });
    expect(after.decisions.at(-1)).toMatchObject({ decision: 'approve', userId: manager.userId, comment: 'Desde el correo' });
    const again = await t.request('POST', '/api/v1/public/approvals/link', { as: null, body: { token, decision: 'reject' } });
    expect(again.statusCode).toBe(409);
    // Finance members got their own mails for step 2.
    await t.mail.waitFor((m) => m.to.includes(financeA.email) && m.text.includes('«Delta correo»'));
  });

  it('routes approvals to a delegate between two dates, who decides for the approver', async () => {
    const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
    const put = (as: TestUser, body: Record<string, unknown>) => t.request('PUT', '/api/v1/automation/approval-delegates/me', { as, body });
    expect((await put(manager, { delegateId: manager.userId, startsOn: day(-1), endsOn: day(7) })).statusCode).toBe(400);
    expect((await put(manager, { delegateId: deputy.userId, startsOn: day(3), endsOn: day(1) })).statusCode).toBe(400);
    expect((await put(manager, { delegateId: deputy.userId, startsOn: '2026-02-30', endsOn: day(1) })).statusCode).toBe(400);
    const stranger = await t.make.org();
    expect((await put(manager, { delegateId: stranger.userId, startsOn: day(-1), endsOn: day(7) })).statusCode).toBe(400);
    const set = await ok(await put(manager, { delegateId: deputy.userId, startsOn: day(-1), endsOn: day(7) }));
    expect(set.delegate).toMatchObject({ delegateId: deputy.userId, delegateName: 'Delia Suplente', endsOn: day(7) });

    const id = await createDeal(rep, { name: 'Épsilon', descuento_c: 22 });
    const submission = await pendingOf(id);
    expect(submission.approvers).toEqual([expect.objectContaining({ userId: manager.userId, delegateId: deputy.userId })]);
    const inbox = await ok(await t.request('GET', `${APPROVALS}?mine=pending`, { as: deputy }));
    expect(inbox.data.map((s: any) => s.id)).toEqual([submission.id]);
    const decided = await ok(await decide(deputy, submission.id, 'approve', 'Por Marta'));
    expect(decided.step).toBe(1);
    expect(decided.decisions.at(-1)).toMatchObject({
      userId: deputy.userId,
      delegatedFrom: manager.userId,
      delegatedFromName: 'Marta Jefa',
    });

    expect((await t.request('DELETE', '/api/v1/automation/approval-delegates/me', { as: manager })).statusCode).toBe(204);
    expect((await ok(await t.request('GET', '/api/v1/automation/approval-delegates/me', { as: manager }))).delegate).toBeNull();
  });
});

describe('manual submission', () => {
  it('offers a manual process on the record page and submits through the API', async () => {
    const manual = await ok(
      await t.request('POST', PROCESSES, {
        as: admin,
        body: {
          name: 'Contrato especial',
          module: 'deals',
          trigger: 'manual',
          criteria: { field: 'amount', op: 'gt', value: 100000 },
          steps: [{ name: 'Dirección', approvers: { type: 'user', userId: manager.userId } }],
        },
      }),
      201,
    );
    const big = await createDeal(rep, { name: 'Grande', amount: '250000.00' });
    const small = await createDeal(rep, { name: 'Chico', amount: '100.00' });
    const before = await panel(rep, big);
    expect(before).toMatchObject({ locked: false, submissions: [], manualProcesses: [{ id: manual.id, name: 'Contrato especial' }] });
    expect((await panel(rep, small)).manualProcesses).toEqual([]);

    const submit = (as: TestUser, body: Record<string, unknown>) =>
      t.request('POST', APPROVALS, { as, body: { module: 'deals', ...body } });
    const notMet = await submit(rep, { recordId: small, processId: manual.id });
    expect(notMet.statusCode).toBe(409);
    expect(notMet.data.error.details.reason).toBe('criteria_not_met');
    expect((await submit(rep, { recordId: big, processId: rep.userId })).statusCode).toBe(400);
    expect((await submit(rep, { recordId: big })).statusCode).toBe(400);
    expect((await submit(outsider, { recordId: big, processId: manual.id })).statusCode).toBe(404);
    const created = await ok(await submit(rep, { recordId: big, processId: manual.id, comment: 'Urge' }), 201);
    expect(created).toMatchObject({ status: 'pending', canRecall: true, approvers: [expect.objectContaining({ userId: manager.userId })] });
    expect((await submit(rep, { recordId: big, processId: manual.id })).statusCode).toBe(409);
    expect(await panel(rep, big)).toMatchObject({ locked: true, manualProcesses: [] });
    // Someone who cannot see the record sees neither it nor its approvals.
    expect((await t.request('GET', `${APPROVALS}/records/deals/${big}`, { as: outsider })).statusCode).toBe(404);
    expect((await t.request('GET', `${APPROVALS}/${created.id}`, { as: outsider })).statusCode).toBe(404);
    await ok(await t.request('GET', `${APPROVALS}/${created.id}`, { as: manager }));
    await ok(await t.request('DELETE', `${PROCESSES}/${manual.id}`, { as: admin }), 204);
    // Deleting the process unlocked the record.
    await ok(await t.request('PATCH', `/api/v1/records/deals/${big}`, { as: rep, body: { amount: '1.00' } }));
  });
});

describe('approval processes API', () => {
  it('checks what it stores (400 naming the part)', async () => {
    const base = {
      name: 'X',
      module: 'deals',
      trigger: 'manual',
      steps: [{ name: 'Uno', approvers: { type: 'user', userId: manager.userId } }],
    };
    const bad = async (body: Record<string, unknown>, field: string) => {
      const response = await t.request('POST', PROCESSES, { as: admin, body: { ...base, ...body } });
      expect(response.statusCode, response.body).toBe(400);
      expect(JSON.stringify(response.data.error)).toContain(field);
    };
    await bad({ module: 'nothing' }, 'module');
    await bad({ steps: [] }, 'steps');
    await bad({ trigger: 'delete' }, 'trigger');
    await bad({ criteria: { field: 'no_such_field', op: 'eq', value: 1 } }, 'criteria');
    await bad({ steps: [{ name: 'Uno', approvers: { type: 'group', groupId: admin.userId, mode: 'all' } }] }, 'steps[0].approvers.groupId');
    await bad({ steps: [{ name: 'Uno', approvers: { type: 'manager', levels: 0 } }] }, 'levels');
    await bad({ onApprove: [{ type: 'field_update', field: 'nope', value: 1 }] }, 'onApprove[0].field');
    const stranger = await t.make.org();
    await bad({ steps: [{ name: 'Uno', approvers: { type: 'user', userId: stranger.userId } }] }, 'steps[0].approvers.userId');
  });

  it('is for administrators and profiles that name it; another organization sees nothing', async () => {
    const profile = await ok(
      await t.request('POST', '/api/v1/profiles', {
        as: admin,
        body: { name: 'Approval readers', modules: { '*': ALL, automation_approvals: { ...NONE, read: true } } },
      }),
      201,
    );
    const reader = await t.make.user(admin, { profileId: profile.id });
    const body = {
      name: 'Y',
      module: 'deals',
      trigger: 'manual',
      enabled: false,
      steps: [{ name: 'Uno', approvers: { type: 'manager', levels: 2 } }],
    };
    expect((await t.request('GET', PROCESSES, { as: rep })).statusCode).toBe(403);
    expect((await t.request('POST', PROCESSES, { as: rep, body })).statusCode).toBe(403);
    expect((await t.request('POST', PROCESSES, { as: reader, body })).statusCode).toBe(403);
    expect((await t.request('GET', `${PROCESSES}/${processId}`, { as: reader })).statusCode).toBe(200);
    expect((await t.request('PATCH', `${PROCESSES}/${processId}`, { as: reader, body: { name: 'Z' } })).statusCode).toBe(403);
    expect((await t.request('DELETE', `${PROCESSES}/${processId}`, { as: reader })).statusCode).toBe(403);
    const created = await ok(await t.request('POST', PROCESSES, { as: admin, body }), 201);
    const changed = await ok(
      await t.request('PATCH', `${PROCESSES}/${created.id}`, { as: admin, body: { name: 'Y2', trigger: 'create' } }),
    );
    expect(changed).toMatchObject({ name: 'Y2', trigger: 'create', enabled: false });

    const stranger = await t.make.org();
    expect((await ok(await t.request('GET', PROCESSES, { as: stranger }))).data).toEqual([]);
    expect((await t.request('GET', `${PROCESSES}/${processId}`, { as: stranger })).statusCode).toBe(404);
    expect((await t.request('PATCH', `${PROCESSES}/${processId}`, { as: stranger, body: { name: 'Z' } })).statusCode).toBe(404);
    expect((await t.request('DELETE', `${PROCESSES}/${processId}`, { as: stranger })).statusCode).toBe(404);
    const id = await createDeal(rep, { name: 'Zeta', descuento_c: 50 });
    const submission = await pendingOf(id);
    expect((await decide(stranger, submission.id, 'approve')).statusCode).toBe(404);
    expect((await t.request('GET', `${APPROVALS}/${submission.id}`, { as: stranger })).statusCode).toBe(404);
    expect((await t.request('GET', `${APPROVALS}/records/deals/${id}`, { as: stranger })).statusCode).toBe(404);
    expect((await ok(await t.request('GET', APPROVALS, { as: stranger }))).data).toEqual([]);
    await ok(await t.request('DELETE', `${PROCESSES}/${created.id}`, { as: admin }), 204);
    expect((await t.request('GET', `${PROCESSES}/${created.id}`, { as: admin })).statusCode).toBe(404);
  });

  it('is in the OpenAPI document', async () => {
    const doc = await t.request('GET', '/api/openapi.json', { as: null });
    expect(Object.keys(doc.data.paths)).toEqual(
      expect.arrayContaining([
        '/api/v1/automation/approval-processes',
        '/api/v1/automation/approvals',
        '/api/v1/automation/approvals/{id}/approve',
        '/api/v1/automation/approval-delegates/me',
        '/api/v1/public/approvals/link',
      ]),
    );
  });
});
