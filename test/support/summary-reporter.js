// Prints one plain closing line as the run's very last output, e.g. `2350 passed, 0 failed, 0 skipped`, so a CI that
// reads a runner's closing line (rather than jest's own table) sees how many tests ran and how many failed. It is
// written when the process exits, after jest's summary table, on both standard output and standard error (jest's own
// report goes to standard error; a reader of either stream finds it as its last line).
const { writeSync } = require('node:fs');

class SummaryReporter {
  onRunComplete(_contexts, results) {
    const skipped = results.numPendingTests + results.numTodoTests;
    const lines = [`${results.numPassedTests} passed, ${results.numFailedTests} failed, ${skipped} skipped`];
    if (results.numRuntimeErrorTestSuites > 0) lines.unshift(`suites that could not run: ${results.numRuntimeErrorTestSuites}`);
    process.once('exit', () => {
      const text = `\n${lines.join('\n')}\n`;
      writeSync(2, text);
      writeSync(1, text);
    });
  }
}
module.exports = SummaryReporter;
