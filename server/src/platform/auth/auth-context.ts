import type { ModulePermissions, FieldPermissions } from '../../db/platform-schema.js';

/** Who is calling, resolved once per request from the session cookie or the Bearer token. */
export interface AuthContext {
  userId: string;
  orgId: string;
  orgSchema: string;
  name: string;
  email: string;
  roleId: string | null;
  profileId: string;
  isAdmin: boolean;
  modulePermissions: ModulePermissions;
  fieldPermissions: FieldPermissions;
  via: 'session' | 'token';
  sessionId?: string;
  csrfToken?: string;
  language: string;
  timeZone: string;
  twoFactorEnabled: boolean;
  /**
   * Set when a workflow rule acts (automation/workflow): how many rule-caused writes led to this one. Record
   * events carry it as `automationDepth`, so a chain of rules stops at a fixed depth.
   */
  automationDepth?: number;
  /** The caller's organization as settings show it (read with the caller, in the same statement). */
  organization: { name: string; logo: string | null; currency: string; timeZone: string; defaultLanguage: string };
}

/** What a route requires: nobody, a signed-in user, or an administrator. */
export type RouteAccess = 'public' | 'user' | 'admin';

declare module 'fastify' {
  interface FastifyRequest {
    auth: AuthContext | null;
  }
  interface FastifyContextConfig {
    access?: RouteAccess;
    /** The page may be shown inside other sites' frames (public web forms). */
    embeddable?: boolean;
  }
}
