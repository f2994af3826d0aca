// Keeps the Temporal SDK's per-worker INFO chatter out of test output (warnings and errors still show).
import { DefaultLogger, Runtime } from '@temporalio/worker';

try {
  Runtime.install({ logger: new DefaultLogger((process.env.TICKETFLOW_TEST_SDK_LOG as 'WARN' | undefined) ?? 'WARN') });
} catch {
  // already installed in this worker process by an earlier test file
}
