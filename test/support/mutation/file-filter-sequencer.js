// Test sequencer of the mutation run only (jest.mutation.config.js). For a mutant, Stryker's jest runner asks jest for
// the tests related to the mutated file, filtered by name to those covering the mutant; jest still loads every related
// file to find out. With the names recorded in the dry run (bail-environment.js), files holding none of the covering
// tests are left out (a file whose names are unknown is always run). The files most likely to kill the mutant go first,
// since the run stops at the first kill (bail-runner.js): the mutated module's own test file(s), then the files with
// the fewest covering tests, which are the focused ones.
const Sequencer = require('@jest/test-sequencer').default;
const path = require('node:path');
const state = require('./state');

class FileFilterSequencer extends Sequencer {
  constructor(options) {
    super(options);
    this.testNamePattern = options.globalConfig.testNamePattern;
    this.rootDir = options.globalConfig.rootDir;
    this.mutatedFiles = options.globalConfig.nonFlagArgs ?? [];
  }

  sort(tests) {
    const pattern = this.testNamePattern;
    if (process.env.__STRYKER_ACTIVE_MUTANT__ === undefined || !pattern) return super.sort(tests);
    const regex = new RegExp(pattern, 'i');
    const namesByFile = state.namesByFile(this.rootDir);
    const stems = this.mutatedFiles.map((file) => path.basename(file).replace(/\.ts$/, ''));
    const own = (test) => stems.some((stem) => path.basename(test.path).startsWith(`${stem}.`));
    const covering = new Map(tests.map((test) => [test, namesByFile.get(test.path)?.filter((name) => regex.test(name)).length]));
    const kept = tests.filter((test) => covering.get(test) === undefined || covering.get(test) > 0);
    if (kept.length === 0) return super.sort(tests);
    return kept.sort((a, b) => Number(own(b)) - Number(own(a)) || (covering.get(a) ?? Infinity) - (covering.get(b) ?? Infinity));
  }
}

module.exports = FileFilterSequencer;
