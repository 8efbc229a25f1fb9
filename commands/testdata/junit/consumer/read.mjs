// Reads a JUnit XML file with junit2json (a JUnit consumer from npm) and
// prints what a CI system would count: suites, tests, failures, errors,
// skipped, and the name and outcome of every testcase.
import { readFileSync } from 'node:fs';
import { parse } from 'junit2json';

const out = await parse(readFileSync(process.argv[2], 'utf8'));
const suites = out.testsuite ?? [];
const res = { suites: suites.length, tests: 0, failures: 0, errors: 0, skipped: 0, cases: [] };
for (const s of suites) {
  for (const c of s.testcase ?? []) {
    res.tests++;
    let outcome = 'pass';
    if (c.failure) { res.failures++; outcome = 'failure'; }
    if (c.error) { res.errors++; outcome = 'error'; }
    if (c.skipped) { res.skipped++; outcome = 'skipped'; }
    res.cases.push(`${s.name} | ${c.classname} | ${c.name} | ${outcome}`);
  }
}
console.log(JSON.stringify(res));
