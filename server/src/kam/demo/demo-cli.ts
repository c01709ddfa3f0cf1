import { buildApp } from '../../app.js';
import { loadConfig, ConfigError } from '../../config.js';
import { lockDataFolder, DataFolderLockedError } from '../../db/data-folder-lock.js';
import { embeddedDbDir } from '../../db/backup.js';
import { openDatabase } from '../../db/database.js';
import { migrate } from '../../db/migrate.js';
import { createDemoClock, DemoRefusedError, seedDemo } from './demo.js';

/**
 * `npm run demo [-- --force]`: fills an organization with a year of key-account activity (see demo.ts).
 * Uses the server's settings (DATA_DIR or DATABASE_URL); on the embedded database the server must be stopped.
 * DEMO_ORG=<organization id> fills that organization instead of creating "Demo KAM S.L.".
 */
async function main() {
  const force = process.argv.includes('--force');
  const config = loadConfig();
  const lock = config.databaseUrl ? null : lockDataFolder(config.dataDir);
  const database = await openDatabase({ databaseUrl: config.databaseUrl, embeddedDir: embeddedDbDir(config.dataDir) });
  const clock = createDemoClock();
  try {
    await migrate(database);
    const app = await buildApp({ config: { ...config, webDir: undefined }, database, logger: false, now: clock.now });
    try {
      const summary = await seedDemo(app, clock, {
        ...(process.env.DEMO_ORG ? { orgId: process.env.DEMO_ORG } : {}),
        ...(process.env.DEMO_PASSWORD ? { password: process.env.DEMO_PASSWORD } : {}),
        force,
        log: (line) => console.log(line),
      });
      console.log(`\nDemo data for ${summary.organization} (${summary.orgId}) made in ${summary.seconds} s:`);
      for (const [what, n] of Object.entries(summary.counts)) console.log(`  ${String(n).padStart(5)} ${what}`);
      console.log('\nSign in (npm start, then open the app):');
      if (summary.email) console.log(`  administrator   ${summary.email}`);
      console.log(`  KAM director    ${summary.managers[0]}`);
      console.log(`  account manager ${summary.managers.slice(1).join(', ')}`);
      console.log(`  password        ${summary.password}`);
      console.log('The KAM cockpit is at /kam.');
    } finally {
      await app.ctx.events.stop();
      await app.close();
      app.ctx.mailer.close();
    }
  } finally {
    await database.checkpoint().catch(() => undefined);
    await database.close();
    lock?.release();
  }
}

main().catch((error) => {
  if (error instanceof DemoRefusedError || error instanceof ConfigError || error instanceof DataFolderLockedError) {
    console.error(`npm run demo: ${error.message}`);
  } else {
    console.error(error);
  }
  process.exit(1);
});
