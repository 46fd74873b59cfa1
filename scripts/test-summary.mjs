// Prints vitest's totals as one plain line ("N passed, N failed"), the form CI logs are read for, naming the
// Node.js that ran them (CI runs the suite on several).
import { readFileSync } from 'node:fs';

const report = JSON.parse(readFileSync(new URL('../.tmp/vitest-report.json', import.meta.url), 'utf8'));
const skipped = report.numPendingTests + report.numTodoTests;
console.log(`tests on Node.js ${process.version}: ${report.numPassedTests} passed, ${report.numFailedTests} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exitCode = report.success ? 0 : 1;
