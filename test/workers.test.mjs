// Worker threads and environment teardown (issue 12): the addon loads in any number of worker_threads, workers
// computing at once get the main thread's results bit for bit, and ending an environment with kernels in flight
// (worker.terminate(), process.exit in a worker or on the main thread) exits cleanly: no abort, no crash, the right
// status. Each scenario runs in a child process (test/support/worker-child.mjs), so a crash is seen as a crash.
// WORKER_CHURN sets the number of workers of the churn scenario (20; `npm run test:soak` runs 200).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const CHILD = fileURLToPath(new URL('./support/worker-child.mjs', import.meta.url));
const CHURN = Number(process.env.WORKER_CHURN ?? 20);

function run(scenario, count) {
  const args = [CHILD, scenario, ...(count === undefined ? [] : [String(count)])];
  const child = spawnSync(process.execPath, args, { encoding: 'utf8', timeout: 300_000 });
  assert.is(child.signal, null, `${scenario}: the child was killed by ${child.signal}\n${child.stderr}`);
  assert.is(child.stderr, '', `${scenario}: the child wrote to stderr`);
  const lines = child.stdout.trim().split('\n');
  return { status: child.status, outcome: JSON.parse(lines.at(-1)) };
}

test('4 workers computing at once (async and sync) get the main thread\'s results bit for bit', () => {
  const { status, outcome } = run('workers', 4);
  assert.is(status, 0);
  assert.equal(outcome, { workers: 4, compared: 4 * 3 * 2 * 4, mismatches: 0, mainMismatches: 0 });
});

test(`a churn of ${CHURN} workers, half terminated with kernels in flight, leaves the main thread working`, () => {
  const { status, outcome } = run('churn', CHURN);
  assert.is(status, 0);
  assert.equal(outcome, { terminated: Math.ceil(CHURN / 2), finished: Math.floor(CHURN / 2), mismatches: 0, mainMismatches: 0 });
});

test('worker.terminate() while its kernel runs and more are queued ends the worker cleanly', () => {
  const { status, outcome } = run('terminate');
  assert.is(status, 0);
  assert.is(outcome.first, 'queued');
  assert.is(outcome.code, 1, 'a terminated worker exits with code 1');
  assert.is(outcome.mainMismatches, 0);
  // Termination waits for the running kernel only (one large forward), not for the queued ones.
  console.log(`    worker.terminate() with 3 large kernels in flight took ${outcome.terminateMs} ms`);
  assert.ok(outcome.terminateMs < 2000, `terminate() took ${outcome.terminateMs} ms`);
});

test('process.exit in a worker with kernels in flight ends only that worker, with its status', () => {
  const { status, outcome } = run('exit-worker');
  assert.is(status, 0);
  assert.equal(outcome, { code: 5, mainMismatches: 0 });
});

test('process.exit on the main thread with kernels in flight exits with its status and no abort', () => {
  const { status, outcome } = run('exit-main');
  assert.is(status, 7);
  assert.equal(outcome, { exiting: true });
});

test.run();
