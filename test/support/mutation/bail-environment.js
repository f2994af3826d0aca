// Test environment of the mutation run only (jest.mutation.config.js).
// - Jest cannot bail when run programmatically, so Stryker's jest runner would run every test covering a mutant even
//   after the first has killed it: once a test fails for the active mutant, the rest of that run is skipped.
// - In Stryker's dry run it records each file's test names, for the sequencer (file-filter-sequencer.js).
const { TestEnvironment } = require('jest-environment-node');
const state = require('./state');

function fullName(test) {
  const names = [test.name];
  for (let block = test.parent; block && block.parent; block = block.parent) names.unshift(block.name);
  return names.join(' ');
}

class MutationBailEnvironment extends TestEnvironment {
  constructor(config, context) {
    super(config, context);
    this.rootDir = config.projectConfig.rootDir;
    this.testPath = context.testPath;
    this.names = [];
  }

  underStryker() {
    return this.global[this.global.__strykerGlobalNamespace__ ?? '__stryker__'] !== undefined;
  }

  async handleTestEvent(event) {
    const mutant = process.env.__STRYKER_ACTIVE_MUTANT__;
    if (mutant === undefined) {
      if (event.name === 'test_start') this.names.push(fullName(event.test));
      return;
    }
    if (event.name === 'test_fn_failure' || event.name === 'hook_failure') state.killedMutant = mutant;
    else if (event.name === 'test_start' && state.killedMutant === mutant) event.test.mode = 'skip';
  }

  async teardown() {
    if (process.env.__STRYKER_ACTIVE_MUTANT__ === undefined && this.names.length > 0 && this.underStryker()) {
      state.record(this.rootDir, this.testPath, this.names);
    }
    await super.teardown();
  }
}

module.exports = MutationBailEnvironment;
