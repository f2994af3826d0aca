import { TestWorkflowEnvironment } from '@temporalio/testing';
import { findTestServer } from '../../scripts/lib/provisioning';
import { TICKET_SEARCH_ATTRIBUTES } from '../../workflows/definitions';

const INDEXED_VALUE_TYPE_KEYWORD = 2;

/**
 * The Java time-skipping test server, provisioned by `npm run provision` (a wrapper that execs java).
 * Measured here: the JVM accepts connections 1.1–1.7 s after launch with both cores busy, inside the SDK's 5 s
 * window; one retry covers a machine that is busier still. The ticket search attributes are registered on it.
 */
export async function createTimeSkippingEnv(): Promise<TestWorkflowEnvironment> {
  const found = findTestServer();
  const server = found ? { executable: { type: 'existing-path' as const, path: found.path } } : undefined;
  let env: TestWorkflowEnvironment;
  try {
    env = await TestWorkflowEnvironment.createTimeSkipping({ server });
  } catch (err) {
    if (!found) throw err;
    env = await TestWorkflowEnvironment.createTimeSkipping({ server });
  }
  await env.connection.operatorService.addSearchAttributes({
    namespace: env.namespace ?? 'default',
    searchAttributes: Object.fromEntries(TICKET_SEARCH_ATTRIBUTES.map((k) => [k.name, INDEXED_VALUE_TYPE_KEYWORD])),
  });
  return env;
}
