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

  it('names the setting that is wrong', () => {
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(/PORT/);
    expect(() => loadConfig({ DATABASE_URL: 'mysql://x' })).toThrow(/DATABASE_URL/);
  });
});
