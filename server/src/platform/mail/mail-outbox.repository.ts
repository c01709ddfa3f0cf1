import type { Executor } from '../../db/database.js';
import { afterKeyset, keysetTimestamp } from '../../db/keyset.js';
import type { KeysetPosition } from '../http/cursor.js';

/** One page of the org's outgoing mail, newest first: (created_at DESC, id DESC), `limit + 1` rows to tell whether more follow. */
export function listOutboxMail(executor: Executor, orgId: string, after: KeysetPosition | undefined, limit: number) {
  let query = executor
    .selectFrom('platform.mail_outbox as m')
    .select(['m.id', 'm.to_address', 'm.subject', 'm.status', 'm.error', 'm.text_body', 'm.created_at', 'm.sent_at'])
    .select(keysetTimestamp('m.created_at').as('position'))
    .where('m.org_id', '=', orgId);
  if (after) query = query.where(afterKeyset('m.created_at', 'm.id', after));
  return query
    .orderBy('m.created_at', 'desc')
    .orderBy('m.id', 'desc')
    .limit(limit + 1)
    .execute();
}
