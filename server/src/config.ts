import path from 'node:path';

/**
 * Every setting Clave reads, from the environment. Each one is documented in
 * the README ("Settings"); keep the two in step.
 */
export interface Config {
  /** HTTP port. */
  port: number;
  /** Address to bind. */
  host: string;
  /** Folder for the embedded database, attachments and the lock file. */
  dataDir: string;
  /** PostgreSQL connection string; when empty the embedded database is used. */
  databaseUrl: string | undefined;
  /** SMTP server for outgoing mail (smtp://user:pass@host:port); when empty mail goes to the outbox. */
  smtpUrl: string | undefined;
  /** The From address of mail Clave sends. */
  mailFrom: string;
  /** The address users reach Clave at; used in links inside e-mails. */
  publicUrl: string;
  /** Lets anyone create a new organization from the sign-in page. */
  allowSignup: boolean;
  /** Log level of the server log (pino). */
  logLevel: string;
  /** Largest request body accepted, in bytes. */
  bodyLimit: number;
  /** Largest file accepted by an import (CSV or XLSX), in bytes. */
  importMaxBytes: number;
  /** Session lifetime in hours. */
  sessionHours: number;
  /** Folder of the built web app to serve; empty disables it. */
  webDir: string | undefined;
  /** Run background workers (jobs, schedules, outbox) in this process. */
  runWorkers: boolean;
  /**
   * A node that runs workers, or an import's runner, silent this many seconds is taken for stopped: the jobs it
   * had started and its import are picked up again (they beat every quarter of it, at most every 15 s).
   */
  workerStaleSeconds: number;
  /** How long a node's claim on outbox events keeps the other nodes away (a crash leaves them claimed this long). */
  outboxClaimSeconds: number;
  /** The same for the events a node claims as it writes them (handled from memory). */
  outboxLocalClaimSeconds: number;
  /**
   * Which proxies may tell the client's address (X-Forwarded-For): false (none,
   * the default: the address is the connection's), true (any — only when
   * nothing can reach Clave but the proxy), a hop count, or addresses/CIDRs.
   */
  trustProxy: boolean | number | string[];
  /** A backup file (from `npm run backup`) to load into an empty embedded database at start. */
  restoreFrom: string | undefined;
  /** Where uploaded files are kept: under DATA_DIR/files (local) or in an S3-compatible bucket. */
  fileStorage: FileStorageConfig;
  /** Largest file accepted by an upload, in bytes (larger ones are a 413 file_too_large). */
  fileMaxBytes: number;
}

export type FileStorageConfig =
  | { driver: 'local' }
  | {
      driver: 's3';
      /** The S3 API address, e.g. https://s3.eu-west-1.amazonaws.com or http://minio:9000. */
      endpoint: string;
      region: string;
      bucket: string;
      accessKeyId: string;
      secretAccessKey: string;
      /** Address the bucket in the path (endpoint/bucket/key) instead of the host name (bucket.endpoint/key): MinIO and most self-hosted stores need it. */
      forcePathStyle: boolean;
    };

export class ConfigError extends Error {}

function readBoolean(name: string, value: string | undefined, fallback: boolean): boolean {
  if (value === undefined || value === '') return fallback;
  if (/^(1|true|yes|on)$/i.test(value)) return true;
  if (/^(0|false|no|off)$/i.test(value)) return false;
  throw new ConfigError(`${name} must be true or false, not "${value}"`);
}

function readInteger(name: string, value: string | undefined, fallback: number, min: number, max: number): number {
  if (value === undefined || value === '') return fallback;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < min || parsed > max) {
    throw new ConfigError(`${name} must be a whole number between ${min} and ${max}, not "${value}"`);
  }
  return parsed;
}

function readUrl(name: string, value: string | undefined, protocols: string[]): string | undefined {
  if (value === undefined || value === '') return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError(`${name} is not a valid URL: "${value}"`);
  }
  if (!protocols.includes(url.protocol)) {
    throw new ConfigError(`${name} must start with ${protocols.map((p) => p + '//').join(' or ')}`);
  }
  return value;
}

/** Reads and validates the configuration; throws ConfigError with a message a person can act on. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const port = readInteger('PORT', env.PORT, 3000, 0, 65535);
  const publicUrl = readUrl('PUBLIC_URL', env.PUBLIC_URL, ['http:', 'https:']) ?? `http://localhost:${port}`;
  const allowSignup = readBoolean('ALLOW_SIGNUP', env.ALLOW_SIGNUP, false);
  const smtpUrl = readUrl('SMTP_URL', env.SMTP_URL, ['smtp:', 'smtps:']);
  if (allowSignup && !smtpUrl) {
    // Without SMTP every mail, sign-in links included, is read in the outbox by an organization's administrators.
    throw new ConfigError('ALLOW_SIGNUP=true needs SMTP_URL: open sign-up is only safe when mail really leaves the server.');
  }
  return {
    port,
    host: env.HOST || '0.0.0.0',
    dataDir: path.resolve(env.DATA_DIR || 'data'),
    databaseUrl: readUrl('DATABASE_URL', env.DATABASE_URL, ['postgres:', 'postgresql:']),
    smtpUrl,
    mailFrom: env.MAIL_FROM || 'Clave <no-reply@localhost>',
    publicUrl: publicUrl.replace(/\/$/, ''),
    allowSignup,
    logLevel: env.LOG_LEVEL || 'info',
    bodyLimit: readInteger('BODY_LIMIT', env.BODY_LIMIT, 1024 * 1024, 1024, 100 * 1024 * 1024),
    importMaxBytes: readInteger('IMPORT_MAX_BYTES', env.IMPORT_MAX_BYTES, 50 * 1024 * 1024, 1024, 1024 * 1024 * 1024),
    sessionHours: readInteger('SESSION_HOURS', env.SESSION_HOURS, 24 * 14, 1, 24 * 365),
    webDir: env.WEB_DIR === '' ? undefined : path.resolve(env.WEB_DIR || defaultWebDir()),
    runWorkers: readBoolean('RUN_WORKERS', env.RUN_WORKERS, true),
    workerStaleSeconds: readInteger('WORKER_STALE_SECONDS', env.WORKER_STALE_SECONDS, 60, 2, 3600),
    outboxClaimSeconds: readInteger('OUTBOX_CLAIM_SECONDS', env.OUTBOX_CLAIM_SECONDS, 300, 5, 86_400),
    outboxLocalClaimSeconds: readInteger('OUTBOX_LOCAL_CLAIM_SECONDS', env.OUTBOX_LOCAL_CLAIM_SECONDS, 60, 5, 86_400),
    trustProxy: readTrustProxy(env.TRUST_PROXY),
    restoreFrom: env.RESTORE_FROM ? path.resolve(env.RESTORE_FROM) : undefined,
    fileStorage: readFileStorage(env),
    fileMaxBytes: readInteger('FILE_MAX_BYTES', env.FILE_MAX_BYTES, 25 * 1024 * 1024, 1, 5 * 1024 * 1024 * 1024),
  };
}

function readFileStorage(env: NodeJS.ProcessEnv): FileStorageConfig {
  const driver = (env.FILE_STORAGE || 'local').trim().toLowerCase();
  if (driver === 'local') return { driver: 'local' };
  if (driver !== 's3') throw new ConfigError(`FILE_STORAGE must be local or s3, not "${env.FILE_STORAGE}"`);
  const missing = ['S3_BUCKET', 'S3_ACCESS_KEY_ID', 'S3_SECRET_ACCESS_KEY'].filter((name) => !env[name]?.trim());
  if (missing.length > 0) {
    throw new ConfigError(`FILE_STORAGE=s3 needs ${missing.join(', ')}: the bucket to keep files in and the access key to reach it.`);
  }
  const region = env.S3_REGION?.trim() || 'us-east-1';
  const bucket = env.S3_BUCKET!.trim();
  if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket)) {
    throw new ConfigError(`S3_BUCKET must be a bucket name (3–63 lower-case letters, digits, dots and hyphens), not "${bucket}"`);
  }
  const endpoint = readUrl('S3_ENDPOINT', env.S3_ENDPOINT, ['http:', 'https:']) ?? `https://s3.${region}.amazonaws.com`;
  return {
    driver: 's3',
    endpoint: endpoint.replace(/\/+$/, ''),
    region,
    bucket,
    accessKeyId: env.S3_ACCESS_KEY_ID!.trim(),
    secretAccessKey: env.S3_SECRET_ACCESS_KEY!.trim(),
    forcePathStyle: readBoolean('S3_FORCE_PATH_STYLE', env.S3_FORCE_PATH_STYLE, false),
  };
}

function readTrustProxy(value: string | undefined): boolean | number | string[] {
  if (value === undefined || value.trim() === '') return false;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return readInteger('TRUST_PROXY', trimmed, 0, 0, 20);
  if (/^(true|false|yes|no|on|off)$/i.test(trimmed)) return readBoolean('TRUST_PROXY', trimmed, false);
  const addresses = value
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean);
  for (const address of addresses) {
    if (!/^[0-9a-fA-F:.]+(\/\d{1,3})?$/.test(address)) {
      throw new ConfigError(
        `TRUST_PROXY must be true, false, a hop count, or proxy addresses/CIDRs separated by commas; "${address}" is none of these`,
      );
    }
  }
  return addresses;
}

function defaultWebDir(): string {
  return path.resolve(path.dirname(new URL(import.meta.url).pathname), '../../web/dist');
}
