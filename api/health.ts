import { Router } from 'express';
import type { Client } from '@temporalio/client';
import type { Db } from '../db/connection';
import { pingDb } from '../db/connection';
import type { ApiMetrics } from './metrics';

async function check(name: string, fn: () => Promise<unknown>, timeoutMs = 2000): Promise<{ name: string; ok: boolean; error?: string }> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([fn(), new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs)))]);
    return { name, ok: true };
  } catch (err) {
    return { name, ok: false, error: (err as Error).message.split('\n')[0] };
  } finally {
    clearTimeout(timer);
  }
}

/** /healthz: the process is up. /readyz: PostgreSQL and Temporal answer. /metrics: Prometheus text format. */
export function createHealthRouter(deps: { db: Db; temporal: Client; namespace: string; metrics: ApiMetrics }): Router {
  const r = Router();
  r.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  r.get('/readyz', async (_req, res) => {
    const checks = await Promise.all([
      check('postgres', () => pingDb(deps.db)),
      check('temporal', () => deps.temporal.workflowService.describeNamespace({ namespace: deps.namespace })),
    ]);
    const ready = checks.every((c) => c.ok);
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not ready', checks });
  });
  r.get('/metrics', async (_req, res) => {
    res.type(deps.metrics.registry.contentType).send(await deps.metrics.registry.metrics());
  });
  return r;
}
