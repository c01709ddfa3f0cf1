/**
 * What touchpoint a call, a meeting or an e-mail sent from a record stands
 * for (pure: the sync service reads the rows and writes the result).
 */

export type SourceModule = 'calls' | 'meetings' | 'email';

/** Where an activity points: the record it is related to, and the contact it names. */
export interface Links {
  account_id: string | null;
  contact_id: string | null;
  lead_id: string | null;
  deal_id: string | null;
}

export interface TouchpointValues extends Links {
  subject: string | null;
  direction: 'inbound' | 'outbound';
  channel: 'phone' | 'cold_call' | 'face_to_face' | 'email';
  occurred_at: string;
  duration_minutes: number | null;
  owner_id: string;
  source_module: SourceModule;
  source_id: string;
}

const iso = (value: unknown): string | null => (value instanceof Date ? value.toISOString() : typeof value === 'string' ? value : null);
const text = (value: unknown): string | null => (typeof value === 'string' && value.trim() ? value.slice(0, 255) : null);

/**
 * A call: inbound and missed calls are inbound, the rest outbound; the
 * channel is phone, or cold call for an outbound call to a lead (no account)
 * that had no touchpoint before it. Time: its start, else when it was logged.
 * Duration: seconds rounded to whole minutes.
 */
export function callTouchpoint(row: Record<string, unknown>, links: Links, options: { leadTouchedBefore: boolean }): TouchpointValues {
  const direction = row.call_type === 'inbound' || row.call_type === 'missed' ? 'inbound' : 'outbound';
  const seconds = typeof row.duration_seconds === 'number' ? row.duration_seconds : null;
  const cold = direction === 'outbound' && links.lead_id !== null && links.account_id === null && !options.leadTouchedBefore;
  return {
    ...links,
    subject: text(row.subject),
    direction,
    channel: cold ? 'cold_call' : 'phone',
    occurred_at: iso(row.start_at) ?? iso(row.created_at)!,
    duration_minutes: seconds === null ? null : Math.round(seconds / 60),
    owner_id: row.owner_id as string,
    source_module: 'calls',
    source_id: row.id as string,
  };
}

/** A meeting: face to face, outbound (we met them), lasting end − start in whole minutes (none when the end is not after the start). */
export function meetingTouchpoint(row: Record<string, unknown>, links: Links): TouchpointValues {
  const start = row.start_at instanceof Date ? row.start_at : null;
  const end = row.end_at instanceof Date ? row.end_at : null;
  const minutes = start && end && end > start ? Math.round((end.getTime() - start.getTime()) / 60_000) : null;
  return {
    ...links,
    subject: text(row.title),
    direction: 'outbound',
    channel: 'face_to_face',
    occurred_at: iso(row.start_at) ?? iso(row.created_at)!,
    duration_minutes: minutes,
    owner_id: row.owner_id as string,
    source_module: 'meetings',
    source_id: row.id as string,
  };
}

/** An e-mail written from a record: outbound, channel e-mail, owned by its sender, at the time it was sent. */
export function emailTouchpoint(input: { id: string; subject: unknown; sentAt: Date; senderId: string }, links: Links): TouchpointValues {
  return {
    ...links,
    subject: text(input.subject),
    direction: 'outbound',
    channel: 'email',
    occurred_at: input.sentAt.toISOString(),
    duration_minutes: null,
    owner_id: input.senderId,
    source_module: 'email',
    source_id: input.id,
  };
}
