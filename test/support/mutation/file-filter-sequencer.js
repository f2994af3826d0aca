// Test sequencer of the mutation run only (jest.mutation.config.js). For a mutant, Stryker's jest runner asks jest for
// the tests related to the mutated file, filtered by name to those covering the mutant; jest still loads every related
// file to find out. With the names recorded in the dry run (bail-environment.js), files holding none of the covering
// tests are left out. A file whose names are unknown is always run.
const Sequencer = require('@jest/test-sequencer').default;
const state = require('./state');

class FileFilterSequencer extends Sequencer {
  constructor(options) {
    super(options);
    this.testNamePattern = options.globalConfig.testNamePattern;
    this.rootDir = options.globalConfig.rootDir;
  }

  sort(tests) {
    const pattern = this.testNamePattern;
    if (process.env.__STRYKER_ACTIVE_MUTANT__ === undefined || !pattern) return super.sort(tests);
    const regex = new RegExp(pattern, 'i');
    const namesByFile = state.namesByFile(this.rootDir);
    const kept = tests.filter((test) => {
      const names = namesByFile.get(test.path);
      return names === undefined || names.some((name) => regex.test(name));
    });
    return super.sort(kept.length > 0 ? kept : tests);
  }
}

module.exports = FileFilterSequencer;
