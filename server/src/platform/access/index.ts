import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppContext } from '../context.js';
import { groupRoutes } from './group.routes.js';
import { profileRoutes } from './profile.routes.js';
import { roleRoutes } from './role.routes.js';
import { sharingRuleRoutes } from './sharing-rule.routes.js';
import { sharingRoutes } from './sharing.routes.js';

export { assertModuleAction, canFeature, canModuleAction, fieldAccess, isOwnerInScope, visibleOwnerScope } from './access.service.js';
export type { AccessSubject, OwnerScope, RecordScope, SharingAccess } from './access.service.js';
// Features shared with roles and groups (reports, dashboards) check membership and ids with these.
export { findOrgIds, listUserGroupIds } from './group.repository.js';

/** Roles, profiles, groups, sharing defaults and sharing rules: the access model's admin API. */
export const accessRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  await app.register(roleRoutes, { ctx });
  await app.register(profileRoutes, { ctx });
  await app.register(groupRoutes, { ctx });
  await app.register(sharingRoutes, { ctx });
  await app.register(sharingRuleRoutes, { ctx });
};
