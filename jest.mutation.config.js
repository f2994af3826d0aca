// Jest settings for the mutation run only (`npm run test:mutation`, see stryker.config.mjs):
// the unit project of jest.config.js alone, with the same transform. Not used by `npm test`.
const path = require('node:path');

const transform = { '^.+\\.ts$': ['@swc/jest'], '/node_modules/email-reply-parser/.+\\.js$': ['@swc/jest', { module: { type: 'commonjs' } }] };
const transformIgnorePatterns = ['/node_modules/(?!email-reply-parser/)'];

/** @type {import('jest').Config} */
module.exports = {
  rootDir: __dirname,
  transform,
  transformIgnorePatterns,
  // Stryker reads these paths as they are written (no <rootDir>). Once a test kills the mutant the rest of the run is
  // skipped, and only the test files holding a test that covers the mutant are loaded (test/support/mutation/).
  runner: path.join(__dirname, 'test/support/mutation/bail-runner.js'),
  testEnvironment: path.join(__dirname, 'test/support/mutation/bail-environment.js'),
  testSequencer: path.join(__dirname, 'test/support/mutation/file-filter-sequencer.js'),
  moduleFileExtensions: ['ts', 'js', 'json'],
  testMatch: ['<rootDir>/test/unit/**/*.test.ts'],
  // Unit tests of other layers (db, activities, api, scripts) reach domain/ only through them; each mutant run loads
  // every test file related to the mutated file, and these (express, mail parsing, templates) would triple the run.
  testPathIgnorePatterns: [
    '/node_modules/',
    ...['action-registry-api', 'attachments', 'config', 'cursor', 'email-templates', 'inbound-mail', 'kb-suggest', 'openapi', 'portal-charts', 'service-report-csv'].map(
      (name) => `<rootDir>/test/unit/${name}\\.test\\.ts$`,
    ),
  ],
  testTimeout: 120_000,
};
