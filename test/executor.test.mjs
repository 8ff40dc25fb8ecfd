// The one executor (issue 12): queued async calls wait in the executor's own queue, not in libuv's thread pool, so
// fs, dns and zlib keep their threads; a sync call keeps FIFO order with the queued jobs (it runs after them, and
// at once when nothing is queued).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as rn from 'rnn-native';

/** Inputs of an LSTM backward pass at (n_x, n_a, m, T). */
function backwardCase(n_x, n_a, m, T) {
  const r = new rn.RandomState(3);
  const scaled = (...shape) => ({ data: r.randn(...shape).data.map((v) => v * 0.2), shape });
  const gate = () => scaled(n_a, n_a + n_x);
  const bias = () => scaled(n_a, 1);
  const params = { Wf: gate(), bf: bias(), Wi: gate(), bi: bias(), Wc: gate(), bc: bias(), Wo: gate(), bo: bias() };
  const { caches } = rn.lstmForward(scaled(n_x, m, T), scaled(n_a, m), params);
  return { da: scaled(n_a, m, T), caches };
}

/** Milliseconds one sync backward takes (the median of 3). */
function timeBackward(c) {
  const times = [0, 1, 2].map(() => {
    const t0 = performance.now();
    rn.lstmBackward(c.da, c.caches);
    return performance.now() - t0;
  });
  return times.sort((a, b) => a - b)[1];
}

test('fs.promises.readFile stays fast while 40 async calls are queued', async () => {
  const folder = mkdtempSync(join(tmpdir(), 'rnn-executor-'));
  const file = join(folder, 'five.txt');
  writeFileSync(file, 'hello');
  try {
    const c = backwardCase(64, 128, 32, 32);
    const one = timeBackward(c);
    let settled = 0;
    const queued = Array.from({ length: 40 }, () => rn.lstmBackwardAsync(c.da, c.caches).then(() => ++settled));
    const t0 = performance.now();
    const text = await readFile(file, 'utf8');
    const readMs = performance.now() - t0;
    const settledWhenRead = settled;
    await Promise.all(queued);
    console.log(`    readFile took ${readMs.toFixed(1)} ms with 40 lstmBackwardAsync calls queued (${one.toFixed(1)} ms each, ` +
      `${settledWhenRead} done by then)`);
    assert.is(text, 'hello');
    assert.ok(settledWhenRead < 40, 'the queue had drained before the read: the test measured nothing');
    assert.ok(readMs < 100, `readFile took ${readMs.toFixed(1)} ms behind the queued kernels`);
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
});

test('a sync call runs after the async calls queued before it (FIFO), and at once when none are', async () => {
  const c = backwardCase(64, 128, 32, 48);
  const one = timeBackward(c);
  const z = { data: new Float64Array([1, 2, 3, 4]), shape: [2, 2] };
  const expected = rn.softmax(z);
  let t0 = performance.now();
  rn.softmax(z);
  const idleMs = performance.now() - t0;

  const queued = Array.from({ length: 6 }, () => rn.lstmBackwardAsync(c.da, c.caches));
  t0 = performance.now();
  const got = rn.softmax(z);
  const behindMs = performance.now() - t0;
  t0 = performance.now();
  await Promise.all(queued);
  const settleMs = performance.now() - t0;
  console.log(`    sync softmax 2x2: ${(idleMs * 1000).toFixed(0)} µs idle, ${behindMs.toFixed(0)} ms behind 6 queued ` +
    `lstmBackwardAsync calls of ${one.toFixed(1)} ms each; they settled ${settleMs.toFixed(1)} ms later`);
  assert.equal(Array.from(got.data), Array.from(expected.data));
  // It waited for the six kernels queued before it, and they had all run when it returned.
  assert.ok(behindMs > 3 * one, `the sync call returned after ${behindMs.toFixed(1)} ms, before the queued kernels ran`);
  assert.ok(settleMs < one, `the queued calls settled ${settleMs.toFixed(1)} ms after the sync call: they had not all run`);
  assert.ok(idleMs < 5, `an idle sync call took ${idleMs.toFixed(1)} ms`);
});

test.run();
