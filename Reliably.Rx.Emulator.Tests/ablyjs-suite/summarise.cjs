'use strict';
// Reads one mocha JSON report (stdout of `mocha --reporter json`, which the suite's own logging may precede) and prints
// `FAIL <file> | <test> | <message>` per failure, then `TOTAL <passed> <failed> <pending>`.
const fs = require('fs');
const [report, file] = process.argv.slice(2);
const text = fs.readFileSync(report, 'utf8');
const start = text.lastIndexOf('{\n  "stats"');
let result;
try {
  result = JSON.parse(start >= 0 ? text.slice(start) : text);
} catch (e) {
  console.log(`FAIL ${file} | (whole file) | no report: the file hung past its time limit or mocha crashed`);
  console.log('TOTAL 0 1 0');
  process.exit(0);
}
for (const failure of result.failures) {
  const message = String((failure.err && failure.err.message) || '').replace(/\s+/g, ' ').slice(0, 300);
  console.log(`FAIL ${file} | ${failure.fullTitle} | ${message}`);
}
console.log(`TOTAL ${result.stats.passes} ${result.stats.failures} ${result.stats.pending}`);
