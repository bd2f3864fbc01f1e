/**
 * Prints one plain closing line, `Tests: N passed, N failed, N skipped`, after Jest's own summary, so that any
 * tool reading the end of a CI log (not only Jest-aware ones) sees how many tests ran.
 */
class SummaryReporter {
  onRunComplete(_contexts, results) {
    const skipped = results.numPendingTests + results.numTodoTests;
    // eslint-disable-next-line no-console
    console.log(
      `\nTests: ${results.numPassedTests} passed, ${results.numFailedTests} failed, ${skipped} skipped`,
    );
  }
}

module.exports = SummaryReporter;
