// Lint: type-aware rules everywhere, plus the determinism rules of STYLE.md for workflow and domain code.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const nodeBuiltins = ['assert', 'buffer', 'child_process', 'cluster', 'crypto', 'dgram', 'dns', 'events', 'fs', 'fs/promises', 'http', 'http2', 'https', 'net', 'os', 'path', 'perf_hooks', 'process', 'readline', 'stream', 'timers', 'tls', 'url', 'util', 'v8', 'vm', 'worker_threads', 'zlib'];

const forbiddenInDeterministicCode = {
  paths: [
    ...nodeBuiltins.map((name) => ({ name, message: 'Node built-ins are not deterministic: not in workflow or domain code.' })),
    ...['knex', 'pg', 'handlebars', 'nodemailer', 'express', 'pino', 'argon2', 'prom-client'].map((name) => ({
      name,
      message: 'I/O libraries belong in activities/ or api/, never in workflow or domain code.',
      allowTypeImports: true,
    })),
  ],
  patterns: [
    { group: ['node:*'], message: 'Node built-ins are not deterministic: not in workflow or domain code.' },
    { group: ['../db', '../db/*', '../api', '../api/*', '../scripts', '../scripts/*'], message: 'Workflow and domain code may not import I/O modules.', allowTypeImports: true },
    { group: ['../activities', '../activities/*'], message: 'Workflows import activities as types only (proxyActivities).', allowTypeImports: true },
  ],
};

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', '.data/**', 'coverage/**', 'test-artifacts/**', '.stryker/**', '.stryker-tmp/**', 'reports/**', 'jest.config.js', 'jest.mutation.config.js', 'stryker.config.mjs', 'test/support/summary-reporter.js', 'test/support/mutation/**', 'eslint.config.mjs', '.dependency-cruiser.cjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false } }],
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports', disallowTypeAnnotations: false }],
    },
  },
  {
    files: ['workflows/**/*.ts', 'domain/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', forbiddenInDeterministicCode],
      'no-restricted-globals': ['error', { name: 'process', message: 'No process access in deterministic code.' }, { name: 'require', message: 'Use static imports.' }],
      'no-restricted-properties': ['error', { object: 'Math', property: 'random', message: 'Not deterministic; use the SDK (uuid4) in workflows.' }],
    },
  },
  {
    // The domain must not read the clock at all: time is always a parameter.
    files: ['domain/**/*.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        { selector: "CallExpression[callee.object.name='Date'][callee.property.name='now']", message: 'domain/ takes time as a parameter; no Date.now().' },
        { selector: "NewExpression[callee.name='Date'][arguments.length=0]", message: 'domain/ takes time as a parameter; no new Date() without an argument.' },
      ],
    },
  },
);
