// Prints vitest's JSON report as one plain line: "N passed, N failed, N skipped".
// Exits non-zero when the report is missing or no test ran at all, so an empty suite never looks green.
import { readFileSync } from 'node:fs';

const file = process.argv[2];
let report;
try {
  report = JSON.parse(readFileSync(file, 'utf8'));
} catch (error) {
  console.error(`summary: cannot read the vitest report ${file}: ${error.message}`);
  process.exit(1);
}
const passed = report.numPassedTests ?? 0;
const failed = report.numFailedTests ?? 0;
const skipped = (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
if (passed + failed === 0) {
  console.error('summary: no test ran');
  process.exit(1);
}
process.exit(failed > 0 ? 1 : 0);
