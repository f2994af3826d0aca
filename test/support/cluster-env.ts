/** Integration test files run against the real Temporal server of cluster-setup.ts when it was started. */
import { TEST_ENV } from './env';

const cluster = process.env[TEST_ENV.clusterAddress];
if (cluster) process.env[TEST_ENV.temporalAddress] = cluster;
