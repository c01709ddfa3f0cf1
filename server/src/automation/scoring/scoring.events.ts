/**
 * The touchpoint events a scoring rule can give points for, as filters (the list-view filter language) on the
 * `touchpoints` module — what the touchpoints actually record (kam/touchpoints: channel, direction, duration).
 * Clave does not track e-mail opens: an answered e-mail (an inbound e-mail touchpoint) is the closest signal.
 */
export const TOUCHPOINT_EVENTS = {
  /** Any touchpoint with the record. */
  any: { and: [] },
  /** An e-mail we sent (every e-mail written from a record becomes one). */
  email_sent: {
    and: [
      { field: 'channel', op: 'eq', value: 'email' },
      { field: 'direction', op: 'eq', value: 'outbound' },
    ],
  },
  /** An e-mail from the customer (an inbound e-mail touchpoint). */
  email_answered: {
    and: [
      { field: 'channel', op: 'eq', value: 'email' },
      { field: 'direction', op: 'eq', value: 'inbound' },
    ],
  },
  /** A message or social reply from the customer (inbound message or social media touchpoint). */
  message_answered: {
    and: [
      { field: 'channel', op: 'in', value: ['message', 'social'] },
      { field: 'direction', op: 'eq', value: 'inbound' },
    ],
  },
  /** A call that was picked up: a phone or cold call touchpoint that lasted at least a minute. */
  call_answered: {
    and: [
      { field: 'channel', op: 'in', value: ['phone', 'cold_call'] },
      { field: 'duration_minutes', op: 'gte', value: 1 },
    ],
  },
  /** A call from the customer (inbound, missed ones included). */
  call_received: {
    and: [
      { field: 'channel', op: 'in', value: ['phone', 'cold_call'] },
      { field: 'direction', op: 'eq', value: 'inbound' },
    ],
  },
  /** A meeting held: in person (every meeting becomes one) or by video. */
  meeting_held: { and: [{ field: 'channel', op: 'in', value: ['face_to_face', 'video'] }] },
} as const;

export type TouchpointEvent = keyof typeof TOUCHPOINT_EVENTS;
export const TOUCHPOINT_EVENT_NAMES = Object.keys(TOUCHPOINT_EVENTS) as TouchpointEvent[];

/** The touchpoint lookup that ties a touchpoint to a record of each module that touchpoint rules can score. */
export const TOUCHPOINT_LINKS: Record<string, string> = {
  leads: 'lead_id',
  contacts: 'contact_id',
  accounts: 'account_id',
  deals: 'deal_id',
};
