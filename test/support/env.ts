/** Names of the environment variables through which the jest global setup hands its servers to test files. */
export const TEST_ENV = {
  pgUrl: 'TICKETFLOW_TEST_PG_URL',
  temporalAddress: 'TICKETFLOW_TEST_TEMPORAL_ADDRESS',
  /** the real Temporal server the integration project runs against (cluster-setup.ts) */
  clusterAddress: 'TICKETFLOW_TEST_CLUSTER_ADDRESS',
  workflowBundle: 'TICKETFLOW_TEST_WORKFLOW_BUNDLE',
  stackUsers: 'TICKETFLOW_TEST_STACK_USERS',
} as const;

export function requireEnv(name: string): string {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set: this test needs the jest global setup (run it through jest's projects)`);
  return v;
}
