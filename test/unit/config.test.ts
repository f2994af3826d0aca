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

  it('reads attachment limits and S3_URL, naming what is wrong with it', () => {
    expect(loadConfig(base).attachments).toEqual({ limits: { maxFileBytes: 10 * 1024 * 1024, maxTicketBytes: 100 * 1024 * 1024 } });
    expect(loadConfig({ ...base, S3_URL: 's3://AK%2F1:s%40cret@minio.local:9000/tf-files?tls=false' }).attachments.s3).toEqual({
      endpoint: 'http://minio.local:9000',
      region: 'us-east-1',
      bucket: 'tf-files',
      prefix: '',
      credentials: { accessKeyId: 'AK/1', secretAccessKey: 's@cret' },
      forcePathStyle: true,
    });
    // AWS itself: the SDK's endpoint for the region, virtual-hosted buckets, credentials from its default chain.
    expect(loadConfig({ ...base, S3_URL: 's3://s3.amazonaws.com/tf-files/prod?region=eu-central-1' }).attachments.s3).toEqual({ region: 'eu-central-1', bucket: 'tf-files', prefix: 'prod/', forcePathStyle: false });
    expect(problems({ ...base, S3_URL: 's3://k:s@host/' })).toEqual([{ variable: 'S3_URL', message: 'must name the bucket as the path: s3://key:secret@host:port/bucket' }]);
    expect(problems({ ...base, S3_URL: 's3://k@host/bucket' })[0].message).toMatch(/give both the access key and the secret/);
    expect(problems({ ...base, S3_URL: 's3://k:s@host/bucket?tls=maybe' })[0].message).toBe('tls must be true or false');
    expect(problems({ ...base, S3_URL: 's3://k:s@host/bucket?secure=1' })[0].message).toMatch(/unknown parameter\(s\) secure/);
    expect(problems({ ...base, S3_URL: 'https://host/bucket' })[0]).toEqual({ variable: 'S3_URL', message: 'must be a URL starting with s3://' });
    expect(problems({ ...base, S3_URL: 's3://k:s@host/bucket', ATTACHMENT_MAX_FILE_BYTES: '2048', ATTACHMENT_MAX_TICKET_BYTES: '1024' })).toEqual([
      { variable: 'ATTACHMENT_MAX_TICKET_BYTES', message: 'must be at least ATTACHMENT_MAX_FILE_BYTES' },
    ]);
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
