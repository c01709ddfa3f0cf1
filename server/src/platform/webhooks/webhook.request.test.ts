import { describe, expect, it } from 'vitest';
import { headerNameProblem, headerValueProblem } from './webhook.request.js';
import { outgoingRequest, WORKFLOW_WEBHOOK_EVENT } from './webhook.delivery.js';

const delivery = (event: string, payload: Record<string, unknown>) => ({
  id: '01900000-0000-7000-8000-000000000001',
  event_type: event,
  event_created_at: new Date('2027-01-14T16:00:00Z'),
  org_id: '01900000-0000-7000-8000-000000000002',
  payload,
});

describe('custom request headers', () => {
  it('takes HTTP tokens and refuses connection headers and the ones Clave sets', () => {
    for (const name of ['X-Api-Key', 'Authorization', 'x_custom.v2', "a!#$%&'*+-.^_`|~9"]) expect(headerNameProblem(name), name).toBeNull();
    for (const name of ['Bad Header', 'X-Acción', 'x:y', '', 'Connection', 'transfer-encoding', 'Upgrade', 'Expect', 'TE'])
      expect(headerNameProblem(name), name).not.toBeNull();
    for (const name of ['Content-Length', 'HOST', 'Content-Type', 'X-Clave-Signature', 'x-clave-anything', 'Idempotency-Key'])
      expect(headerNameProblem(name), name).not.toBeNull();
    expect(headerValueProblem('Bearer abc\tdef')).toBeNull();
    expect(headerValueProblem('a\r\nX-Injected: 1')).not.toBeNull();
    expect(headerValueProblem('a\u0000')).not.toBeNull();
  });
});

describe('what an attempt sends', () => {
  it('sends the standard envelope by POST without a stored request, and ignores one on other events', () => {
    const data = { module: 'leads', record: { id: 'x' } };
    const standard = outgoingRequest(delivery(WORKFLOW_WEBHOOK_EVENT, data));
    expect(standard).toMatchObject({ method: 'POST', contentType: 'application/json' });
    expect(JSON.parse(standard.body!)).toEqual({
      id: '01900000-0000-7000-8000-000000000001',
      event: WORKFLOW_WEBHOOK_EVENT,
      createdAt: '2027-01-14T16:00:00.000Z',
      orgId: '01900000-0000-7000-8000-000000000002',
      data,
    });
    const request = { method: 'PUT', headers: [], contentType: 'text/plain', body: 'hola' };
    expect(outgoingRequest(delivery('record.created', { ...data, request })).method).toBe('POST');
  });

  it('sends a stored request as it is, with Clave’s headers last, and no body for DELETE', () => {
    const request = {
      method: 'PUT',
      headers: [
        { name: 'X-Api-Key', value: 'k' },
        { name: 'Idempotency-Key', value: 'forged' },
      ],
      contentType: 'text/plain',
      body: 'línea 1\nlínea 2',
    };
    const sent = outgoingRequest(delivery(WORKFLOW_WEBHOOK_EVENT, { module: 'leads', request }));
    expect(sent).toMatchObject({ method: 'PUT', contentType: 'text/plain', body: 'línea 1\nlínea 2' });
    expect(sent.headers).toMatchObject({ 'x-api-key': 'k', 'idempotency-key': '01900000-0000-7000-8000-000000000001' });

    const envelope = outgoingRequest(delivery(WORKFLOW_WEBHOOK_EVENT, { module: 'leads', request: { ...request, body: undefined } }));
    expect(envelope.contentType).toBe('application/json');
    expect(JSON.parse(envelope.body!).data).toEqual({ module: 'leads' });

    const removal = outgoingRequest(
      delivery(WORKFLOW_WEBHOOK_EVENT, { module: 'leads', request: { ...request, method: 'DELETE', body: null } }),
    );
    expect(removal).toMatchObject({ method: 'DELETE', body: null });
  });
});
