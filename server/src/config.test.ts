import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';

describe('configuration', () => {
  it('has working defaults with nothing set', () => {
    const config = loadConfig({});
    expect(config.port).toBe(3000);
    expect(config.databaseUrl).toBeUndefined();
    expect(config.allowSignup).toBe(false);
    expect(config.trustProxy).toBe(false);
  });

  it('refuses open sign-up without a real SMTP server', () => {
    expect(() => loadConfig({ ALLOW_SIGNUP: 'true' })).toThrow(ConfigError);
    expect(loadConfig({ ALLOW_SIGNUP: 'true', SMTP_URL: 'smtp://127.0.0.1:2525' }).allowSignup).toBe(true);
  });

  it('reads TRUST_PROXY as a flag, a hop count or a list of proxies, and refuses anything else', () => {
    expect(loadConfig({ TRUST_PROXY: 'true' }).trustProxy).toBe(true);
    expect(loadConfig({ TRUST_PROXY: '1' }).trustProxy).toBe(1);
    expect(loadConfig({ TRUST_PROXY: '10.0.0.1, 10.1.0.0/16' }).trustProxy).toEqual(['10.0.0.1', '10.1.0.0/16']);
    expect(() => loadConfig({ TRUST_PROXY: 'proxy.example.com' })).toThrow(ConfigError);
  });

  it('reads the crash-recovery timings, with the defaults unchanged', () => {
    expect(loadConfig({})).toMatchObject({ workerStaleSeconds: 60, outboxClaimSeconds: 300, outboxLocalClaimSeconds: 60 });
    expect(loadConfig({ WORKER_STALE_SECONDS: '4', OUTBOX_CLAIM_SECONDS: '5', OUTBOX_LOCAL_CLAIM_SECONDS: '7' })).toMatchObject({
      workerStaleSeconds: 4,
      outboxClaimSeconds: 5,
      outboxLocalClaimSeconds: 7,
    });
    expect(() => loadConfig({ WORKER_STALE_SECONDS: '1' })).toThrow(/WORKER_STALE_SECONDS/);
    expect(() => loadConfig({ OUTBOX_CLAIM_SECONDS: 'soon' })).toThrow(/OUTBOX_CLAIM_SECONDS/);
  });

  it('names the setting that is wrong', () => {
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(/PORT/);
    expect(() => loadConfig({ DATABASE_URL: 'mysql://x' })).toThrow(/DATABASE_URL/);
  });

  it('stores files locally by default and validates the S3 settings', () => {
    const local = loadConfig({});
    expect(local.fileStorage).toEqual({ driver: 'local' });
    expect(local.fileMaxBytes).toBe(25 * 1024 * 1024);
    expect(loadConfig({ FILE_MAX_BYTES: '1048576' }).fileMaxBytes).toBe(1048576);
    expect(() => loadConfig({ FILE_MAX_BYTES: '0' })).toThrow(/FILE_MAX_BYTES/);
    expect(() => loadConfig({ FILE_STORAGE: 'ftp' })).toThrow(/FILE_STORAGE must be local or s3/);
    expect(() => loadConfig({ FILE_STORAGE: 's3' })).toThrow(/FILE_STORAGE=s3 needs S3_BUCKET, S3_ACCESS_KEY_ID, S3_SECRET_ACCESS_KEY/);
    expect(() => loadConfig({ FILE_STORAGE: 's3', S3_BUCKET: 'files', S3_ACCESS_KEY_ID: 'id' })).toThrow(/needs S3_SECRET_ACCESS_KEY/);
    const keys = { FILE_STORAGE: 's3', S3_BUCKET: 'clave-files', S3_ACCESS_KEY_ID: 'id', S3_SECRET_ACCESS_KEY: 'secret' };
    expect(() => loadConfig({ ...keys, S3_BUCKET: 'Bad_Bucket' })).toThrow(/S3_BUCKET/);
    expect(() => loadConfig({ ...keys, S3_ENDPOINT: 'minio:9000' })).toThrow(/S3_ENDPOINT/);
    expect(loadConfig({ ...keys, S3_REGION: 'eu-west-1' }).fileStorage).toEqual({
      driver: 's3',
      endpoint: 'https://s3.eu-west-1.amazonaws.com',
      region: 'eu-west-1',
      bucket: 'clave-files',
      accessKeyId: 'id',
      secretAccessKey: 'secret',
      forcePathStyle: false,
    });
    expect(loadConfig({ ...keys, S3_ENDPOINT: 'http://minio:9000/', S3_FORCE_PATH_STYLE: 'true' }).fileStorage).toMatchObject({
      endpoint: 'http://minio:9000',
      region: 'us-east-1',
      forcePathStyle: true,
    });
  });
});
