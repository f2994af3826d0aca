// One jest run, five projects: `npm test` runs them all, `--selectProjects <name>` runs one.
// email-reply-parser ships ES modules only: jest's CommonJS runtime needs it compiled like our own code.
const transform = { '^.+\\.ts$': ['@swc/jest'], '/node_modules/email-reply-parser/.+\\.js$': ['@swc/jest', { module: { type: 'commonjs' } }] };
const transformIgnorePatterns = ['/node_modules/(?!email-reply-parser/)'];
const base = { transform, transformIgnorePatterns, testEnvironment: 'node', moduleFileExtensions: ['ts', 'js', 'json'] };
const sdk = { setupFiles: ['<rootDir>/test/support/quiet-sdk.ts'] };

/** @type {import('jest').Config} */
module.exports = {
  projects: [
    { ...base, displayName: 'unit', testMatch: ['<rootDir>/test/unit/**/*.test.ts'] },
    {
      ...base,
      ...sdk,
      displayName: 'workflows',
      testMatch: ['<rootDir>/test/workflows/**/*.test.ts', '<rootDir>/test/replay/**/*.test.ts'],
      globalSetup: '<rootDir>/test/support/bundle-setup.ts',
    },
    {
      ...base,
      ...sdk,
      displayName: 'integration',
      testMatch: ['<rootDir>/test/integration/**/*.test.ts'],
      // On the production topology's Temporal: the real server on PostgreSQL (README "npm run cluster").
      setupFiles: [...sdk.setupFiles, '<rootDir>/test/support/cluster-env.ts'],
      globalSetup: '<rootDir>/test/support/cluster-setup.ts',
      globalTeardown: '<rootDir>/test/support/cluster-teardown.ts',
    },
    {
      ...base,
      ...sdk,
      displayName: 'api',
      testMatch: ['<rootDir>/test/api/**/*.test.ts'],
      globalSetup: '<rootDir>/test/support/stack-setup.ts',
      globalTeardown: '<rootDir>/test/support/stack-teardown.ts',
    },
    {
      ...base,
      ...sdk,
      displayName: 'e2e',
      testMatch: ['<rootDir>/test/e2e/**/*.test.ts'],
      globalSetup: '<rootDir>/test/support/stack-setup.ts',
      globalTeardown: '<rootDir>/test/support/stack-teardown.ts',
    },
  ],
  testTimeout: 120_000,
  maxWorkers: 2,
  reporters: ['default', '<rootDir>/test/support/summary-reporter.js'],
};
