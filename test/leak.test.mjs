// Leak check (issue 4): 10,000 sync and 10,000 async calls of each sequence function, and 20,000 failing ones,
// in a child process with GC exposed (test/support/leak-child.mjs; LEAK_CALLS changes the count). Async calls run
// 200 in flight with fresh inputs and garbage collection forced meanwhile; every result must equal the sync one bit
// for bit, and memory must be flat after the warm-up.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const CALLS = Number(process.env.LEAK_CALLS ?? 10_000);
const MB = 2 ** 20;

test(`${CALLS} sync and ${CALLS} async calls of each sequence function, and ${2 * CALLS} failing ones, leave memory flat`, () => {
  const child = fileURLToPath(new URL('./support/leak-child.mjs', import.meta.url));
  const run = spawnSync(process.execPath, ['--expose-gc', child, String(CALLS)], { encoding: 'utf8', timeout: 120_000 });
  assert.is(run.signal, null, `the child was killed by ${run.signal}\n${run.stderr}`);
  assert.is(run.status, 0, `the child exited with ${run.status}\n${run.stderr}`);
  const r = JSON.parse(run.stdout.trim().split('\n').at(-1));
  const growth = (key) => (r.after[key] - r.before[key]) / MB;
  console.log(`    ${4 * CALLS} sync calls in ${(r.ms.sync / 1000).toFixed(1)} s, ${4 * CALLS} async in ${(r.ms.async / 1000).toFixed(1)} s, ` +
    `${2 * CALLS} failing (sync and async) in ${(r.ms.failing / 1000).toFixed(1)} s; after the warm-up RSS ${(r.before.rss / MB).toFixed(1)} MB, ` +
    `growth: RSS ${growth('rss').toFixed(1)} MB, heap ${growth('heapUsed').toFixed(1)} MB, array buffers ${growth('arrayBuffers').toFixed(2)} MB`);
  assert.is(r.mismatches, 0, 'async results that differ from the sync result (an input freed or changed in flight?)');
  assert.is(r.errors, 2 * CALLS, 'every failing call threw or rejected');
  // 100,000 calls in all: leaking even 200 bytes a call (one N-API reference, a small workspace, an input copy)
  // would add 20 MB; the run-to-run noise after the warm-up is 2 to 5 MB.
  assert.ok(growth('rss') < 20, `RSS grew by ${growth('rss').toFixed(1)} MB after the warm-up`);
  assert.ok(growth('arrayBuffers') < 1, `array buffers grew by ${growth('arrayBuffers').toFixed(2)} MB: results or copies kept alive`);
  assert.ok(growth('heapUsed') < 8, `the JavaScript heap grew by ${growth('heapUsed').toFixed(1)} MB`);
});

test.run();
