// Test runner of the mutation run only (jest.mutation.config.js): runs the test files one by one, as jest does in
// band, but stops at the first file after a test has failed for the active mutant (bail-environment.js records it),
// so a killed mutant does not load the remaining files.
const TestRunner = require('jest-runner').default;
const state = require('./state');

class BailRunner extends TestRunner {
  async runTests(tests, watcher, options) {
    const mutant = process.env.__STRYKER_ACTIVE_MUTANT__;
    if (mutant === undefined || !options.serial) return super.runTests(tests, watcher, options);
    for (const test of tests) {
      if (state.killedMutant === mutant) return;
      await super.runTests([test], watcher, options);
    }
  }
}

module.exports = BailRunner;
