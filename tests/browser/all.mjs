// Runs every browser test file (tests/browser/*.test.mjs, in name order) with one server and one
// browser; see harness.mjs and docs/browser-tests.md.
import fs from 'node:fs';
import path from 'node:path';
import { here, runAll } from './harness.mjs';

for (const file of fs.readdirSync(here).filter((f) => f.endsWith('.test.mjs')).sort())
  await import(path.join(here, file));
process.exitCode = await runAll();
