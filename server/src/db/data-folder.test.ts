import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DataFolderLockedError, findLockHolder, lockDataFolder, lockFilePath } from './data-folder-lock.js';
import { DamagedDataFolderError, EMBEDDED_PG_MAJOR, inspectDataFolder, isDataCorruptionError, openEmbeddedPostgres } from './embedded.js';
import { tempDataDir } from '../test/server-process.js';

/** The data-folder guards of the embedded database, called directly (no server). */
describe.skipIf(process.env.CLAVE_TEST_DB === 'postgres')('embedded data folder', () => {
  const dirs: string[] = [];
  const newDir = () => {
    const dir = tempDataDir();
    dirs.push(dir);
    return dir;
  };
  let goodDb = '';
  let organizationsFile = '';

  beforeAll(async () => {
    // One sound database folder, copied for each kind of damage.
    goodDb = path.join(newDir(), 'pg');
    const embedded = await openEmbeddedPostgres({ dir: goodDb });
    await embedded.pglite.exec(`CREATE SCHEMA platform; CREATE TABLE platform.organizations (id int PRIMARY KEY, name text);
      INSERT INTO platform.organizations SELECT g, 'org ' || g FROM generate_series(1, 500) g;`);
    organizationsFile = (await embedded.pglite.query<{ file: string }>(`SELECT pg_relation_filepath('platform.organizations') AS file`))
      .rows[0]!.file;
    await embedded.close();
  }, 120_000);

  afterAll(() => {
    for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
  });

  const copyOfGood = () => {
    const dir = path.join(newDir(), 'pg');
    fs.cpSync(goodDb, dir, { recursive: true });
    return dir;
  };

  it('creates a new database in an empty folder, all at once', () => {
    expect(fs.readFileSync(path.join(goodDb, 'PG_VERSION'), 'utf8').trim()).toBe(EMBEDDED_PG_MAJOR);
    expect(fs.existsSync(`${goodDb}.creating`)).toBe(false);
    expect(inspectDataFolder(goodDb)).toBe(true);
    expect(inspectDataFolder(path.join(newDir(), 'missing'))).toBe(false);
  });

  it('refuses a non-empty folder without PG_VERSION, and one from another PostgreSQL major', () => {
    const stranger = newDir();
    fs.writeFileSync(path.join(stranger, 'notes.txt'), 'not a database');
    expect(() => inspectDataFolder(stranger)).toThrow(/not empty but holds no database.*RESTORE_FROM/s);

    const older = copyOfGood();
    fs.writeFileSync(path.join(older, 'PG_VERSION'), '16\n');
    expect(() => inspectDataFolder(older)).toThrow(/PostgreSQL "16".*embeds PostgreSQL/s);
  });

  it('refuses a folder whose control file or WAL is gone, before opening it', () => {
    const truncated = copyOfGood();
    fs.truncateSync(path.join(truncated, 'global/pg_control'), 100);
    expect(() => inspectDataFolder(truncated)).toThrow(/damaged: global\/pg_control \(wrong size\)/);

    const noWal = copyOfGood();
    fs.rmSync(path.join(noWal, 'pg_wal'), { recursive: true });
    expect(() => inspectDataFolder(noWal)).toThrow(DamagedDataFolderError);
  });

  it('turns a control file PostgreSQL cannot read into advice', async () => {
    const zeroed = copyOfGood();
    fs.writeFileSync(path.join(zeroed, 'global/pg_control'), Buffer.alloc(8192));
    await expect(openEmbeddedPostgres({ dir: zeroed })).rejects.toThrow(/could not be read.*RESTORE_FROM/s);
  }, 60_000);

  it('recognises a damaged table page as damage when it is read', async () => {
    const damaged = copyOfGood();
    // Scribble over the header of the table's first page.
    const file = fs.openSync(path.join(damaged, organizationsFile), 'r+');
    fs.writeSync(file, Buffer.alloc(24, 0xff), 0, 24, 0);
    fs.closeSync(file);
    const embedded = await openEmbeddedPostgres({ dir: damaged });
    try {
      const error = await embedded.pglite.query('SELECT count(*) FROM platform.organizations').then(
        () => null,
        (e: unknown) => e,
      );
      expect(error).not.toBeNull();
      expect(isDataCorruptionError(error)).toBe(true);
      expect(isDataCorruptionError(new Error('duplicate key value violates unique constraint'))).toBe(false);
    } finally {
      await embedded.close();
    }
  }, 60_000);

  it('lets one process hold the lock: a live holder is refused, a dead one is taken over', async () => {
    const dataDir = newDir();
    // A live process holds the lock (the lock file names it with its start time).
    const holder = spawn(process.execPath, [
      '-e',
      `require('node:fs').writeFileSync(${JSON.stringify(lockFilePath(dataDir))}, process.pid + ' ' + require('node:fs').readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ')[19]); setTimeout(() => {}, 60000)`,
    ]);
    try {
      await expect.poll(() => findLockHolder(dataDir), { timeout: 10_000 }).toBe(holder.pid);
      expect(() => lockDataFolder(dataDir)).toThrow(DataFolderLockedError);
      expect(() => lockDataFolder(dataDir)).toThrow(/in use by another Clave server \(process \d+\)/);
    } finally {
      holder.kill('SIGKILL');
    }
    await new Promise((resolve) => holder.on('exit', resolve));

    // Its process is gone: the lock is stale and taken over.
    expect(findLockHolder(dataDir)).toBeNull();
    const lock = lockDataFolder(dataDir);
    expect(findLockHolder(dataDir)).toBe(process.pid);
    lock.release();
    expect(fs.existsSync(lockFilePath(dataDir))).toBe(false);

    // A lock naming a live pid that started at another time (the pid was reused) is stale too.
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
    fs.writeFileSync(lockFilePath(dataDir), `${process.pid} 1`);
    expect(findLockHolder(dataDir)).toBeNull();
    fs.writeFileSync(lockFilePath(dataDir), String(dead.stdout));
    const again = lockDataFolder(dataDir);
    again.release();
  }, 30_000);
});
