import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

/** The repository root and the server's sources, run through tsx so no build is needed. */
export const repoRoot = path.resolve(import.meta.dirname, '../../..');
const serverSrc = path.join(repoRoot, 'server/src');
const running = new Set<ChildProcess>();

/** A free loopback port: listen on 0, read it, close (PORT=0 would not say which port the server took). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export function tempDataDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'clave-test-'));
}

export interface ProcessResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  output: string;
}

export interface ServerProcess {
  child: ChildProcess;
  url: string;
  output: () => string;
  /** Resolves when the process exits. */
  exited: Promise<ProcessResult>;
  /** Sends SIGTERM and waits for the exit. */
  stop: () => Promise<ProcessResult>;
}

/** Runs a TypeScript entry point of the server (main.ts, db/backup-cli.ts) in a child process. */
function runTs(entry: string, env: Record<string, string>): { child: ChildProcess; output: () => string; exited: Promise<ProcessResult> } {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(serverSrc, entry)], {
    cwd: repoRoot,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', HOST: '127.0.0.1', LOG_LEVEL: 'info', WEB_DIR: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const exited = new Promise<ProcessResult>((resolve) =>
    child.on('exit', (code, signal) => {
      running.delete(child);
      resolve({ code, signal, output });
    }),
  );
  return { child, output: () => output, exited };
}

/** Starts the server; with `waitReady` (default) resolves once /readyz answers 200, and throws if it exits first. */
export async function startServer(
  env: Record<string, string>,
  options: { waitReady?: boolean; timeoutMs?: number } = {},
): Promise<ServerProcess> {
  const port = Number(env.PORT ?? (await freePort()));
  const url = `http://127.0.0.1:${port}`;
  const { child, output, exited } = runTs('main.ts', { ...env, PORT: String(port) });
  let exit: ProcessResult | null = null;
  void exited.then((result) => (exit = result));
  const server: ServerProcess = {
    child,
    url,
    output,
    exited,
    async stop() {
      if (!exit) child.kill('SIGTERM');
      return exited;
    },
  };
  if (options.waitReady === false) return server;
  const deadline = Date.now() + (options.timeoutMs ?? 90_000);
  for (;;) {
    if (exit) throw new Error(`The server exited (${JSON.stringify(exit)}) before it was ready:\n${output()}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`The server was not ready in time:\n${output()}`);
    }
    const ready = await fetch(`${url}/readyz`).then(
      (res) => res.status === 200,
      () => false,
    );
    if (ready) return server;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Runs `npm run backup`'s entry point against a data folder and waits for it. */
export function runBackup(dataDir: string): Promise<ProcessResult> {
  return runTs('db/backup-cli.ts', { DATA_DIR: dataDir }).exited;
}

/** Kills every process these helpers started that is still running (call it in afterAll). */
export function killAll(): void {
  for (const child of running) child.kill('SIGKILL');
}
