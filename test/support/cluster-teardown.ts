import type { TemporalClusterHandle } from '../../scripts/lib/temporal-cluster';
import stackTeardown from './stack-teardown';

const g = globalThis as typeof globalThis & { __ticketflowCluster?: TemporalClusterHandle };

export default async function clusterTeardown(): Promise<void> {
  // The server first: it holds connections to the PostgreSQL that the stack stops.
  await g.__ticketflowCluster?.stop();
  g.__ticketflowCluster = undefined;
  await stackTeardown();
}
