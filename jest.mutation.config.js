// Jest settings for the mutation run only (`npm run test:mutation`, see stryker.config.mjs):
// the unit project of jest.config.js alone, with the same transform. Not used by `npm test`.
const transform = { '^.+\\.ts$': ['@swc/jest'], '/node_modules/email-reply-parser/.+\\.js$': ['@swc/jest', { module: { type: 'commonjs' } }] };
const transformIgnorePatterns = ['/node_modules/(?!email-reply-parser/)'];

/** @type {import('jest').Config} */
module.exports = {
  rootDir: __dirname,
  transform,
  transformIgnorePatterns,
  testEnvironment: 'node',
  moduleFileExtensions: ['ts', 'js', 'json'],
  testMatch: ['<rootDir>/test/unit/**/*.test.ts'],
  testTimeout: 120_000,
};
