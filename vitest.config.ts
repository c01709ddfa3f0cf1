import { defineConfig } from 'vitest/config';

/**
 * One `npm test` for the whole repository:
 * - server tests on the embedded database (always),
 * - the same tests on PostgreSQL when TEST_DATABASE_URL is set (CI sets it),
 * - the web app's unit tests (`*.test.ts` under web/src: formatters, parsers) in Node,
 * - browser journeys in real Chromium (web/e2e), skipped with a message when no Chromium is installed.
 */
const server = {
  root: 'server',
  include: ['src/**/*.test.ts'],
  testTimeout: 30_000,
  hookTimeout: 60_000,
  pool: 'forks' as const,
  globalSetup: ['src/test/global-setup.ts'],
};

export default defineConfig({
  test: {
    reporters: ['default', './vitest-summary-reporter.ts'],
    projects: [
      { test: { ...server, name: 'embedded', env: { CLAVE_TEST_DB: 'embedded' } } },
      ...(process.env.TEST_DATABASE_URL ? [{ test: { ...server, name: 'postgres', env: { CLAVE_TEST_DB: 'postgres' } } }] : []),
      { test: { name: 'web', root: 'web', include: ['src/**/*.test.ts'], environment: 'node' } },
      {
        test: {
          name: 'e2e',
          root: 'web',
          include: ['e2e/**/*.e2e.test.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
          pool: 'forks' as const,
          fileParallelism: false,
        },
      },
    ],
  },
});
