import type { AppContext } from '../context.js';
import type { AuthContext } from '../auth/auth-context.js';
import { decodeCursor, encodeCursor } from '../http/cursor.js';
import { listOutboxMail } from './mail-outbox.repository.js';

/** Administrators read the mail Clave sent (or stored, without SMTP_URL) for their organization. */
export function createMailOutboxService({ database }: Pick<AppContext, 'database'>) {
  return {
    async list(auth: AuthContext, query: { limit?: number; cursor?: string }) {
      const limit = query.limit ?? 50;
      const rows = await listOutboxMail(database.db, auth.orgId, decodeCursor(query.cursor), limit);
      const page = rows.slice(0, limit);
      const last = page[page.length - 1];
      return {
        data: page.map((row) => ({
          id: row.id,
          to: row.to_address,
          subject: row.subject,
          status: row.status,
          error: row.error,
          text: row.text_body,
          createdAt: row.created_at.toISOString(),
          sentAt: row.sent_at?.toISOString() ?? null,
        })),
        nextCursor: rows.length > limit && last ? encodeCursor({ createdAt: last.position, id: last.id }) : null,
      };
    },
  };
}
