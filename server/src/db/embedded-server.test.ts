import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { killAll, runBackup, startServer, tempDataDir, type ServerProcess } from '../test/server-process.js';
import { lockFilePath } from './data-folder-lock.js';

/**
 * The embedded database as a running server sees it: real processes on temp
 * data folders (lock, clean stop, backup and restore, damage at start).
 */
describe.skipIf(process.env.CLAVE_TEST_DB === 'postgres')('embedded database in a running server', () => {
  const dirs: string[] = [];
  const newDir = () => {
    const dir = tempDataDir();
    dirs.push(dir);
    return dir;
  };
  afterAll(() => {
    killAll();
    for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
  });

  const admin = { organization: 'Resilient Co', name: 'Ada Admin', email: 'ada@example.com', password: 'correct horse battery 7' };
  const post = (server: ServerProcess, url: string, body: unknown) =>
    fetch(`${server.url}${url}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  /** The organization made by `admin` is there: its administrator signs in. */
  const expectOrganization = async (server: ServerProcess) => {
    expect(await (await fetch(`${server.url}/api/v1/setup`)).json()).toMatchObject({ needsSetup: false });
    const login = await post(server, '/api/v1/auth/login', { email: admin.email, password: admin.password });
    expect(login.status).toBe(200);
  };

  let backupFile = '';
  let backupFolder = '';

  it('locks the data folder, stops cleanly on SIGTERM, keeps the data, and backs up while running or stopped', async () => {
    const dataDir = newDir();
    const first = await startServer({ DATA_DIR: dataDir });
    expect((await post(first, '/api/v1/setup', admin)).status).toBe(201);

    // A second server on the same folder refuses to start.
    const second = await startServer({ DATA_DIR: dataDir }, { waitReady: false });
    const refused = await second.exited;
    expect(refused.code).toBe(1);
    expect(refused.output).toMatch(/Clave cannot start: The data folder .* is in use by another Clave server \(process \d+\)/);

    // `npm run backup` has the running server write a .tar.gz.
    const online = await runBackup(dataDir);
    expect(online.code, online.output).toBe(0);
    backupFile = /Backup written by the running server: (\S+\.tar\.gz)/.exec(online.output)![1]!;
    expect(fs.statSync(backupFile).size).toBeGreaterThan(100_000);
    expect(first.output()).toContain('backup written to');

    // SIGTERM: CHECKPOINT, close, release the lock, exit 0.
    const stopped = await first.stop();
    expect(stopped.code, stopped.output).toBe(0);
    expect(stopped.output).toContain('stopped: database closed');
    expect(fs.existsSync(lockFilePath(dataDir))).toBe(false);

    // With no server running, the backup copies the closed folder.
    const offline = await runBackup(dataDir);
    expect(offline.code, offline.output).toBe(0);
    backupFolder = /copied the closed database folder to (\S+)\./.exec(offline.output)![1]!;
    expect(fs.existsSync(path.join(backupFolder, 'PG_VERSION'))).toBe(true);
    expect(fs.existsSync(lockFilePath(dataDir))).toBe(false);

    // A restart finds the data.
    const restarted = await startServer({ DATA_DIR: dataDir });
    await expectOrganization(restarted);
    expect((await restarted.stop()).code).toBe(0);
  }, 240_000);

  it('restores a backup file or a copied folder into a new DATA_DIR with RESTORE_FROM', async () => {
    expect(backupFile).not.toBe('');
    for (const source of [backupFile, backupFolder]) {
      const restored = await startServer({ DATA_DIR: newDir(), RESTORE_FROM: source });
      await expectOrganization(restored);
      expect((await restored.stop()).code).toBe(0);
    }
  }, 240_000);

  it('refuses to start on a damaged data folder and says what to do', async () => {
    const dataDir = newDir();
    fs.mkdirSync(path.join(dataDir, 'pg'));
    fs.writeFileSync(path.join(dataDir, 'pg', 'leftover.txt'), 'not a database');
    const result = await (await startServer({ DATA_DIR: dataDir }, { waitReady: false })).exited;
    expect(result.code).toBe(1);
    expect(result.output).toMatch(/Clave cannot start: The database folder .* holds no database \(PG_VERSION is missing\).*RESTORE_FROM/s);
    expect(fs.existsSync(lockFilePath(dataDir))).toBe(false);

    // A database whose files PostgreSQL cannot read.
    const broken = newDir();
    expect(backupFolder).not.toBe('');
    fs.cpSync(backupFolder, path.join(broken, 'pg'), { recursive: true });
    fs.writeFileSync(path.join(broken, 'pg', 'global/pg_control'), Buffer.alloc(8192));
    const damaged = await (await startServer({ DATA_DIR: broken }, { waitReady: false })).exited;
    expect(damaged.code).toBe(1);
    expect(damaged.output).toMatch(/Clave cannot start: The embedded database in .* could not be read.*RESTORE_FROM/s);
  }, 120_000);
});
