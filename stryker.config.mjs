// Mutation testing of domain/ (`npm run test:mutation`; README "Mutation testing").
// The unit tests alone (jest.mutation.config.js), incremental: the cache in .stryker/ makes a rerun
// test only the mutants whose code or covering tests changed. Not part of `npm test`.
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  packageManager: 'npm',
  testRunner: 'jest',
  jest: { projectType: 'custom', configFile: 'jest.mutation.config.js', enableFindRelatedTests: true },
  mutate: ['domain/**/*.ts'],
  coverageAnalysis: 'perTest',
  // A static mutant (module-load code: the tables) is covered by no single test, so Stryker would run
  // every test for each one; ignoring them keeps the run to the hour, and the tables are pinned by
  // tests that import and read them.
  ignoreStatic: true,
  incremental: true,
  incrementalFile: '.stryker/incremental.json',
  tempDirName: '.stryker-tmp',
  checkers: [],
  // A mutant that makes the code crawl (a dropped cache, a search that never ends) costs its timeout and a restart of
  // the test runner. Mutant runs are faster than the instrumented dry run they are timed against, so 1.25 × its time
  // (plus its measured overhead) + 1.5 s is ample (the defaults, 1.5 × + 5 s, made the timeouts a third of the run).
  timeoutFactor: 1.25,
  timeoutMS: 1_500,
  concurrency: Number(process.env.STRYKER_CONCURRENCY ?? 1),
  reporters: ['html', 'clear-text', 'progress', 'json'],
  htmlReporter: { fileName: 'reports/mutation/index.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  clearTextReporter: { allowColor: false, logTests: false, reportMutants: false, reportScoreTable: true },
  thresholds: { high: 85, low: 75, break: null },
};
