import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { getQuickJS } from 'quickjs-emscripten';

/**
 * The sandbox of custom functions: each run gets a fresh worker thread holding a fresh QuickJS runtime (WebAssembly),
 * with a memory limit, an interrupt at the deadline, and nothing in its global scope but the standard built-ins and
 * `clave` (records, http, log). Every `clave.records.*` and `clave.http.fetch` call is a message to this thread, which
 * does it (as the function's owner, to the allowed hosts) and answers. A run that does not finish in time is
 * terminated with its worker: the server's own thread never runs user code.
 */

/** What the host does for a function: `name` is records.get|create|update|query or http.fetch; args as JSON values. */
export type HostCall = (name: string, args: unknown[]) => Promise<unknown>;

export interface SandboxRun {
  status: 'done' | 'failed';
  result: unknown;
  error: string | null;
  logs: string[];
  durationMs: number;
  memoryBytes: number | null;
}

const MAX_LOGS = 200;
const MAX_LOG_CHARS = 2000;
/** After the deadline the VM interrupts itself; the worker is terminated if it has not answered this long after. */
const GRACE_MS = 1000;

const quickjsPath = createRequire(import.meta.url).resolve('quickjs-emscripten');

/** Sandboxes running at once in this process; more runs wait their turn (their time limit starts when they start). */
export const MAX_CONCURRENT_RUNS = Math.max(2, availableParallelism());
let running = 0;
const waiting: Array<() => void> = [];

async function slot(): Promise<() => void> {
  if (running >= MAX_CONCURRENT_RUNS) await new Promise<void>((resolve) => waiting.push(resolve));
  running++;
  return () => {
    running--;
    waiting.shift()?.();
  };
}

/**
 * The worker's program (CommonJS, evaluated by worker_threads). It runs `code` as the body of an async function of
 * `input` and posts {type: 'done' | 'failed'}; host calls go out as {type: 'call'} and come back as {id, ok, value}.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { getQuickJS } = require(workerData.quickjsPath);
const { code, input, timeoutMs, memoryBytes, maxLogs, maxLogChars } = workerData;
const logs = [];
const post = (message) => parentPort.postMessage({ ...message, logs });
(async () => {
  const QuickJS = await getQuickJS();
  const runtime = QuickJS.newRuntime();
  runtime.setMemoryLimit(memoryBytes);
  runtime.setMaxStackSize(512 * 1024);
  const deadline = Date.now() + timeoutMs;
  let timedOut = false;
  runtime.setInterruptHandler(() => (Date.now() > deadline ? (timedOut = true) : false));
  const vm = runtime.newContext();
  const memory = () => {
    try {
      const handle = runtime.computeMemoryUsage();
      const usage = vm.dump(handle);
      handle.dispose();
      return usage.memory_used_size ?? null;
    } catch { return null; }
  };
  const describe = (handle) => {
    const error = vm.dump(handle);
    handle.dispose();
    if (timedOut) return 'Stopped: the function ran longer than its time limit (' + timeoutMs / 1000 + ' s).';
    const text = error && typeof error === 'object' ? (error.name ? error.name + ': ' : '') + (error.message ?? JSON.stringify(error)) : String(error);
    if (/out of memory/i.test(text)) return 'Stopped: the function used more than its memory limit (' + Math.round(memoryBytes / 1048576) + ' MB).';
    const line = error && typeof error === 'object' && typeof error.stack === 'string' ? /function\\.js:(\\d+)/.exec(error.stack) : null;
    return line ? text + ' (line ' + Math.max(1, Number(line[1]) - 1) + ')' : text;
  };
  let finished = false;
  const fail = (message) => { if (!finished) { finished = true; post({ type: 'failed', error: message, memoryBytes: memory() }); } };
  const pending = new Map();
  let next = 0;
  const pump = () => {
    const result = runtime.executePendingJobs();
    if (result.error) fail(describe(result.error));
  };
  parentPort.on('message', (reply) => {
    const deferred = pending.get(reply.id);
    if (!deferred) return;
    pending.delete(reply.id);
    if (reply.ok) {
      const value = vm.newString(reply.value);
      deferred.resolve(value);
      value.dispose();
    } else {
      const error = vm.newError(reply.error);
      deferred.reject(error);
      error.dispose();
    }
    deferred.dispose();
    pump();
  });
  const host = vm.newFunction('host', (nameHandle, argsHandle) => {
    const deferred = vm.newPromise();
    const id = ++next;
    pending.set(id, deferred);
    post({ type: 'call', id, name: vm.getString(nameHandle), args: vm.getString(argsHandle) });
    return deferred.handle;
  });
  const log = vm.newFunction('log', (textHandle) => {
    if (logs.length < maxLogs) logs.push(vm.getString(textHandle).slice(0, maxLogChars));
    else if (logs.length === maxLogs) logs.push('… (more log lines were dropped)');
  });
  vm.setProp(vm.global, '__host', host);
  vm.setProp(vm.global, '__log', log);
  host.dispose();
  log.dispose();
  const setup = vm.evalCode(${JSON.stringify(bootstrap())}, 'clave.js');
  if (setup.error) return fail(describe(setup.error));
  setup.value.dispose();
  const compiled = vm.evalCode('globalThis.__main = async function (input) {\\n' + code + '\\n};', 'function.js');
  if (compiled.error) return fail(describe(compiled.error));
  compiled.value.dispose();
  const started = vm.evalCode('__main(' + JSON.stringify(input) + ')', 'run.js');
  if (started.error) return fail(describe(started.error));
  const settled = vm.resolvePromise(started.value);
  started.value.dispose();
  pump();
  const outcome = await settled;
  if (finished) return;
  if (outcome.error) return fail(describe(outcome.error));
  const result = vm.dump(outcome.value);
  outcome.value.dispose();
  finished = true;
  post({ type: 'done', result: result === undefined ? null : result, memoryBytes: memory() });
})().catch((error) => post({ type: 'failed', error: 'The sandbox failed: ' + (error && error.message) }));
`;

/** The code that builds `clave` inside the VM and removes the raw host functions from the global scope. */
function bootstrap(): string {
  return `(() => {
  const host = globalThis.__host;
  const write = globalThis.__log;
  delete globalThis.__host;
  delete globalThis.__log;
  const call = (name, ...args) => host(name, JSON.stringify(args)).then((text) => JSON.parse(text));
  const text = (part) => {
    if (typeof part === 'string') return part;
    try { return JSON.stringify(part); } catch { return String(part); }
  };
  const clave = Object.freeze({
    records: Object.freeze({
      get: (module, id) => call('records.get', module, id),
      create: (module, values) => call('records.create', module, values),
      update: (module, id, values) => call('records.update', module, id, values),
      query: (module, filter, limit) => call('records.query', module, filter ?? null, limit ?? 50),
    }),
    http: Object.freeze({ fetch: (url, options) => call('http.fetch', url, options ?? {}) }),
    log: (...parts) => { write(parts.map(text).join(' ')); },
  });
  Object.defineProperty(globalThis, 'clave', { value: clave, writable: false, configurable: false, enumerable: false });
})();`;
}

/** A syntax error in a function's code, with its line (null: it compiles). Compiles only: nothing runs. */
export async function syntaxError(code: string): Promise<{ message: string; line: number | null } | null> {
  const vm = (await getQuickJS()).newContext();
  try {
    // Compiling a function expression defines nothing and runs none of its body.
    const result = vm.evalCode(`(async function (input) {\n${code}\n})`, 'function.js', { compileOnly: true });
    if (!result.error) {
      result.value.dispose();
      return null;
    }
    const error = vm.dump(result.error) as { message?: string; stack?: string };
    result.error.dispose();
    const line = /function\.js:(\d+)/.exec(error.stack ?? '');
    return { message: error.message ?? 'Syntax error.', line: line ? Math.max(1, Number(line[1]) - 1) : null };
  } finally {
    vm.dispose();
  }
}

/** Runs a function's code in a new worker; never throws for what the code does (the run says `failed` and why). */
export async function runInSandbox(options: {
  code: string;
  input: unknown;
  timeoutMs: number;
  memoryMb: number;
  host: HostCall;
}): Promise<SandboxRun> {
  const release = await slot();
  try {
    return await runInWorker(options);
  } finally {
    release();
  }
}

function runInWorker(options: { code: string; input: unknown; timeoutMs: number; memoryMb: number; host: HostCall }): Promise<SandboxRun> {
  const started = performance.now();
  const took = () => Math.round(performance.now() - started);
  return new Promise((resolve) => {
    let logs: string[] = [];
    let over = false;
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: {
        quickjsPath,
        code: options.code,
        input: options.input ?? null,
        timeoutMs: options.timeoutMs,
        memoryBytes: options.memoryMb * 1024 * 1024,
        maxLogs: MAX_LOGS,
        maxLogChars: MAX_LOG_CHARS,
      },
      // The worker's own JavaScript heap (the VM's memory is WebAssembly, limited above).
      resourceLimits: { maxOldGenerationSizeMb: 64, maxYoungGenerationSizeMb: 16, stackSizeMb: 4 },
      stdout: true,
      stderr: true,
    });
    const finish = (run: Omit<SandboxRun, 'durationMs' | 'logs'>) => {
      if (over) return;
      over = true;
      clearTimeout(timer);
      void worker.terminate();
      resolve({ ...run, logs, durationMs: took() });
    };
    const timer = setTimeout(
      () =>
        finish({
          status: 'failed',
          result: null,
          error: `Stopped: the function ran longer than its time limit (${options.timeoutMs / 1000} s).`,
          memoryBytes: null,
        }),
      options.timeoutMs + GRACE_MS,
    );
    worker.on('message', (message: Record<string, unknown>) => {
      if (Array.isArray(message.logs)) logs = message.logs as string[];
      if (message.type === 'call') {
        const id = message.id as number;
        void (async () => {
          try {
            const args = JSON.parse(message.args as string) as unknown[];
            const value = await options.host(message.name as string, args);
            if (!over) worker.postMessage({ id, ok: true, value: JSON.stringify(value ?? null) });
          } catch (error) {
            if (!over) worker.postMessage({ id, ok: false, error: `${message.name as string}: ${(error as Error).message}` });
          }
        })();
        return;
      }
      if (message.type === 'done')
        finish({ status: 'done', result: message.result ?? null, error: null, memoryBytes: (message.memoryBytes as number) ?? null });
      else if (message.type === 'failed')
        finish({ status: 'failed', result: null, error: String(message.error), memoryBytes: (message.memoryBytes as number) ?? null });
    });
    worker.on('error', (error) =>
      finish({ status: 'failed', result: null, error: `The sandbox stopped: ${error.message}`, memoryBytes: null }),
    );
    worker.on('exit', () =>
      finish({ status: 'failed', result: null, error: 'The sandbox stopped before the function finished.', memoryBytes: null }),
    );
  });
}
