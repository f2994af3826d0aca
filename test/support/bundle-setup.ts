import { ensureWorkflowBundle } from './bundle';

export default async function bundleSetup(): Promise<void> {
  await ensureWorkflowBundle();
}
