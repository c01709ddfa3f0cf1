import type { AppContext } from '../context.js';
import type { AuthContext } from '../auth/auth-context.js';
import { recordAudit } from '../audit/audit.service.js';
import { badRequest } from '../http/app-error.js';
import { findSharingAccess, listSharingDefaults, lockOrgAccess, upsertSharingDefault, type SharingAccess } from './access.repository.js';
import { DEFAULT_SHARING_ACCESS, MODULE_NAME_PATTERN } from './access.service.js';

/** Org-wide default sharing per module; a module without a row is private. */
export function createSharingService({ database }: Pick<AppContext, 'database'>) {
  return {
    async list(auth: AuthContext) {
      return { data: await listSharingDefaults(database.db, auth.orgId), defaultAccess: DEFAULT_SHARING_ACCESS };
    },

    async set(auth: AuthContext, module: string, access: SharingAccess, ip: string) {
      if (!MODULE_NAME_PATTERN.test(module)) throw badRequest('Not a module API name.', 'module');
      return database.transaction('set-sharing', async (trx) => {
        await lockOrgAccess(trx, auth.orgId);
        const previous = (await findSharingAccess(trx, auth.orgId, module)) ?? DEFAULT_SHARING_ACCESS;
        // The row is written even when the value does not change: the module is then listed.
        await upsertSharingDefault(trx, auth.orgId, module, access);
        if (previous !== access) {
          await recordAudit(trx, {
            orgId: auth.orgId,
            actorId: auth.userId,
            action: 'sharing.updated',
            targetType: 'module',
            targetId: module,
            before: { access: previous },
            after: { access },
            ip,
          });
        }
        return { module, access };
      });
    },
  };
}
