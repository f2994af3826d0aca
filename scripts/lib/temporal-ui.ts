/** The Temporal Web UI server (the one the CLI embeds) against a Temporal frontend, as a child process. */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface TemporalUiHandle {
  url: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

export async function startTemporalUi(opts: { binary: string; dir: string; temporalAddress: string; port: number; namespace?: string }): Promise<TemporalUiHandle> {
  const configDir = join(opts.dir, 'ui-config');
  mkdirSync(configDir, { recursive: true });
  const url = `http://127.0.0.1:${opts.port}`;
  // YAML is a superset of JSON. Only what differs from the UI server's defaults.
  const config = {
    temporalGrpcAddress: opts.temporalAddress,
    host: '127.0.0.1',
    port: opts.port,
    enableUi: true,
    defaultNamespace: opts.namespace ?? 'default',
    cors: { allowOrigins: [url, `http://localhost:${opts.port}`], cookieInsecure: true },
    notifyOnNewVersion: false,
  };
  writeFileSync(join(configDir, 'cluster.yaml'), JSON.stringify(config, null, 2));
  const out = createWriteStream(join(opts.dir, 'temporal-ui.log'), { flags: 'a' });
  const child = spawn(opts.binary, ['--root', opts.dir, '--config', 'ui-config', '--env', 'cluster', 'start'], { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  child.stdout?.pipe(out);
  child.stderr?.pipe(out);
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the Temporal UI server exited with code ${child.exitCode}; see ${join(opts.dir, 'temporal-ui.log')}`);
    const ok = await fetch(`${url}/api/v1/settings`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`the Temporal UI server did not answer on ${url} within 30 s`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return {
    url,
    process: child,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const gone = new Promise<void>((r) => child.once('exit', () => r()));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await gone;
      clearTimeout(timer);
      out.end();
    },
  };
}
