// What the mutation run's test environment and test sequencer share. The dry run and the mutant runs happen in
// different Stryker test-runner processes, so the test names recorded in the dry run go to a file in the sandbox.
const fs = require('node:fs');
const path = require('node:path');

const FILE_NAME = '.stryker-test-names.jsonl';
let loaded; // Map of test file → full test names, read once per process

module.exports = {
  /** Records the full test names (describe blocks and title, as Stryker names tests) of one test file. */
  record(rootDir, testPath, names) {
    fs.appendFileSync(path.join(rootDir, FILE_NAME), `${JSON.stringify({ testPath, names })}\n`);
  },
  /** The names recorded for each test file, or an empty map when there is no record. */
  namesByFile(rootDir) {
    if (!loaded) {
      loaded = new Map();
      const file = path.join(rootDir, FILE_NAME);
      if (fs.existsSync(file)) {
        for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
          if (!line) continue;
          const { testPath, names } = JSON.parse(line);
          loaded.set(testPath, [...(loaded.get(testPath) ?? []), ...names]);
        }
      }
    }
    return loaded;
  },
  /** The mutant a test has already failed for, in this process. */
  killedMutant: undefined,
};
