import type { LightMyRequestResponse } from 'fastify';
import { buildApp, type App } from '../app.js';
import { loadConfig, type Config } from '../config.js';
import type { Database } from '../db/database.js';
import { hashPassword } from '../platform/auth/password.js';
import { createSession } from '../platform/auth/session.service.js';
import { createOrganization } from '../platform/orgs/organization.service.js';
import { newId, randomSecret, sha256 } from '../platform/ids.js';
import { openTestDatabase } from './test-databases.js';
import { startSmtpCapture, type CapturedMail } from './smtp-capture.js';

export const TEST_PASSWORD = 'a-long-test-password';
let cachedHash: Promise<string> | undefined;
const testPasswordHash = () => (cachedHash ??= hashPassword(TEST_PASSWORD));

/** A signed-in user for tests: a Bearer token and a session cookie with its CSRF token. */
export interface TestUser {
  userId: string;
  orgId: string;
  email: string;
  token: string;
  cookie: string;
  csrfToken: string;
}

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
export interface TestResponse extends LightMyRequestResponse {
  body: string;
  data: any;
}

export interface TestContext {
  app: App;
  database: Database;
  mail: { messages: CapturedMail[]; waitFor: (predicate: (m: CapturedMail) => boolean, ms?: number) => Promise<CapturedMail> };
  /** Calls the API with a Bearer token (default), as a cookie session (`via: 'cookie'`), or anonymously (user null). */
  request(
    method: Method,
    url: string,
    options?: { as?: TestUser | null; body?: unknown; via?: 'token' | 'cookie'; headers?: Record<string, string> },
  ): Promise<TestResponse>;
  make: {
    org(overrides?: { organization?: string; name?: string; email?: string }): Promise<TestUser>;
    user(
      org: TestUser,
      overrides?: { name?: string; email?: string; profile?: 'administrator' | 'standard'; roleId?: string | null; profileId?: string },
    ): Promise<TestUser>;
  };
  close(): Promise<void>;
}

let counter = 0;
const uniqueEmail = (prefix: string) => `${prefix}${Date.now().toString(36)}${(counter++).toString(36)}@example.test`;

/** Starts Clave on a fresh test database with a real SMTP server catching its mail. */
export async function createTestContext(configOverrides: Partial<Config> = {}): Promise<TestContext> {
  const smtp = await startSmtpCapture();
  const database = await openTestDatabase();
  // Tests stand for clients behind a trusted proxy, so that each can give itself its own address (X-Forwarded-For).
  const config: Config = {
    ...loadConfig({}),
    webDir: undefined,
    smtpUrl: smtp.url,
    publicUrl: 'http://clave.test',
    trustProxy: true,
    ...configOverrides,
  };
  const app = await buildApp({ config, database, logger: false });
  app.ctx.events.start();

  async function signIn(userId: string, orgId: string, email: string): Promise<TestUser> {
    const token = `clv_${randomSecret(32)}`;
    await database.db
      .insertInto('platform.api_tokens')
      .values({ id: newId(), user_id: userId, name: 'test', token_hash: sha256(token), prefix: token.slice(0, 10), created_at: new Date() })
      .execute();
    const session = await createSession(database.db, { userId, hours: 1, ip: null, userAgent: 'test', now: new Date() });
    return { userId, orgId, email, token, cookie: session.cookieValue, csrfToken: session.csrfToken };
  }

  const context: TestContext = {
    app,
    database,
    mail: smtp,
    async request(method, url, options = {}) {
      const headers: Record<string, string> = { ...(options.headers ?? {}) };
      const user = options.as;
      if (user && options.via === 'cookie') {
        headers.cookie = `clave_session=${user.cookie}`;
        if (method !== 'GET') headers['x-csrf-token'] = user.csrfToken;
      } else if (user) {
        headers.authorization = `Bearer ${user.token}`;
      }
      const response = await app.inject({
        method,
        url,
        headers,
        ...(options.body !== undefined ? { payload: options.body as object } : {}),
      });
      let data: unknown;
      try {
        data = response.body ? JSON.parse(response.body) : undefined;
      } catch {
        data = undefined; // not JSON (HTML pages, streams)
      }
      return Object.assign(response, { data }) as TestResponse;
    },
    make: {
      async org(overrides = {}) {
        const email = overrides.email ?? uniqueEmail('admin');
        const created = await database.transaction('test-org', async (trx) =>
          createOrganization(trx, {
            organization: overrides.organization ?? `Org ${counter++}`,
            name: overrides.name ?? 'Admin Person',
            email,
            passwordHash: await testPasswordHash(),
          }),
        );
        return signIn(created.userId, created.orgId, email);
      },
      async user(org, overrides = {}) {
        const email = overrides.email ?? uniqueEmail('user');
        const profile =
          overrides.profileId ??
          (
            await database.db
              .selectFrom('platform.profiles')
              .select('id')
              .where('org_id', '=', org.orgId)
              .where('builtin', '=', overrides.profile ?? 'standard')
              .executeTakeFirstOrThrow()
          ).id;
        const userId = newId();
        const passwordHash = await testPasswordHash();
        await database.transaction('test-user', async (trx) => {
          await trx
            .insertInto('platform.users')
            .values({
              id: userId,
              org_id: org.orgId,
              name: overrides.name ?? 'Test User',
              password_hash: passwordHash,
              role_id: overrides.roleId ?? null,
              profile_id: profile,
              active: true,
              language: null,
              time_zone: null,
              totp_secret: null,
              totp_enabled: false,
            })
            .execute();
          await trx
            .insertInto('platform.user_emails')
            .values({ id: newId(), user_id: userId, email, is_primary: true, verified_at: new Date() })
            .execute();
        });
        return signIn(userId, org.orgId, email);
      },
    },
    async close() {
      await app.ctx.events.stop();
      await app.close();
      app.ctx.mailer.close();
      await database.close();
      await smtp.close();
    },
  };
  return context;
}
