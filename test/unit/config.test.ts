import { ConfigError, loadConfig, loadEmbeddedConfig } from '../../scripts/config';

const base = { DATABASE_URL: 'postgres://u:p@localhost:5432/ticketflow' };

function problems(env: Record<string, string>): Array<{ variable: string; message: string }> {
  try {
    loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('config', () => {
  it('applies defaults for everything optional', () => {
    const cfg = loadConfig(base);
    expect(cfg).toMatchObject({ PORT: 3000, TEMPORAL_ADDRESS: '127.0.0.1:7233', TEMPORAL_NAMESPACE: 'default', TEMPORAL_TASK_QUEUE: 'ticketflow', NODE_ENV: 'development' });
    expect(cfg.PUBLIC_URL).toBe('http://localhost:3000');
    expect(cfg.temporalTls).toBeUndefined();
  });

  it('names a missing DATABASE_URL', () => {
    expect(problems({})).toEqual([{ variable: 'DATABASE_URL', message: 'is required' }]);
  });

  it.each([
    ['PORT', 'http', 'must be a port number'],
    ['PORT', '70000', 'must be 1–65535'],
    ['DATABASE_URL', 'mysql://x', 'must be a URL starting with postgres:// or postgresql://'],
    ['TEMPORAL_ADDRESS', 'no-port', 'must be host:port'],
    ['TEMPORAL_TLS', 'maybe', 'must be true or false'],
    ['AUTH_SECRET', 'short', 'must be at least 32 characters'],
  ])('names the bad variable %s=%s', (variable, value, message) => {
    expect(problems({ ...base, [variable]: value })).toContainEqual({ variable, message });
  });

  it('requires AUTH_SECRET in production and TLS cert and key together', () => {
    expect(problems({ ...base, NODE_ENV: 'production' })).toContainEqual({ variable: 'AUTH_SECRET', message: expect.stringContaining('required in production') });
    expect(problems({ ...base, TEMPORAL_TLS_CERT_PATH: '/nonexistent.crt' }).map((p) => p.variable)).toEqual(expect.arrayContaining(['TEMPORAL_TLS_KEY_PATH', 'TEMPORAL_TLS_CERT_PATH']));
  });

  it('turns TLS on when asked', () => {
    expect(loadConfig({ ...base, TEMPORAL_TLS: 'true', TEMPORAL_TLS_SERVER_NAME: 'temporal.example' }).temporalTls).toEqual({
      serverName: 'temporal.example',
      serverRootCACertificate: undefined,
      clientCertPair: undefined,
    });
  });

  it('treats empty strings as unset', () => {
    expect(loadConfig({ ...base, PORT: '' }).PORT).toBe(3000);
  });

  it('refuses two embedded services on one port', () => {
    expect(() => loadEmbeddedConfig({ PORT: '7233' })).toThrow(/TEMPORAL_PORT: port 7233 is also used by PORT/);
    expect(loadEmbeddedConfig({})).toMatchObject({ PORT: 3000, TEMPORAL_PORT: 7233, TEMPORAL_UI_PORT: 8233, DATA_DIR: '.data', DEMO_PASSWORD: 'demo' });
  });
});
