import type { AppContext } from '../context.js';
import type { AuthContext } from '../auth/auth-context.js';
import { recordAudit } from '../audit/audit.service.js';
import { notFound } from '../http/app-error.js';
import { newId, randomSecret, sha256 } from '../ids.js';

const TOKEN_PREFIX = 'clv_';

function present(row: { id: string; name: string; prefix: string; created_at: Date; last_used_at: Date | null; revoked_at: Date | null }) {
  return {
    id: row.id,
    name: row.name,
    prefix: row.prefix,
    createdAt: row.created_at.toISOString(),
    lastUsedAt: row.last_used_at?.toISOString() ?? null,
    revokedAt: row.revoked_at?.toISOString() ?? null,
  };
}

/** Personal API tokens: random, shown once, stored as SHA-256. */
export function createTokenService({ database, now }: Pick<AppContext, 'database' | 'now'>) {
  return {
    async create(auth: AuthContext, name: string, ip: string) {
      const token = TOKEN_PREFIX + randomSecret(32);
      const id = newId();
      const row = await database.transaction('create-token', async (trx) => {
        const inserted = await trx
          .insertInto('platform.api_tokens')
          .values({ id, user_id: auth.userId, name: name.trim(), token_hash: sha256(token), prefix: token.slice(0, 10), created_at: now() })
          .returningAll()
          .executeTakeFirstOrThrow();
        await recordAudit(trx, {
          orgId: auth.orgId,
          actorId: auth.userId,
          action: 'token.created',
          targetType: 'api_token',
          targetId: id,
          after: { name },
          ip,
        });
        return inserted;
      });
      return { ...present(row), token };
    },
    async list(auth: AuthContext) {
      const rows = await database.db
        .selectFrom('platform.api_tokens')
        .selectAll()
        .where('user_id', '=', auth.userId)
        .orderBy('created_at', 'desc')
        .execute();
      return rows.map(present);
    },
    async revoke(auth: AuthContext, id: string, ip: string) {
      await database.transaction('revoke-token', async (trx) => {
        const row = await trx
          .updateTable('platform.api_tokens')
          .set({ revoked_at: now() })
          .where('id', '=', id)
          .where('user_id', '=', auth.userId)
          .where('revoked_at', 'is', null)
          .returning(['id', 'name'])
          .executeTakeFirst();
        if (!row) throw notFound('The token');
        await recordAudit(trx, {
          orgId: auth.orgId,
          actorId: auth.userId,
          action: 'token.revoked',
          targetType: 'api_token',
          targetId: id,
          before: { name: row.name },
          ip,
        });
      });
    },
  };
}
