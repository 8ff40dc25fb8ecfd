// Run by workers.test.mjs as `node worker-child.mjs <scenario> [count]`, in a child process because what these
// scenarios guard against is a crash (an abort while an environment with jobs in flight is torn down, a kernel
// writing into a dead worker's arrays). The same file is the workers' script. Each scenario ends by printing one
// JSON line with what it saw; the parent asserts the exit status, the signal and that line.
import { createHash } from 'node:crypto';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { fileURLToPath } from 'node:url';
import * as rn from 'rnn-native';

/** A short fingerprint of every tensor of a result (name, dtype and bytes). */
function digest(result) {
  const hash = createHash('sha256');
  for (const key of Object.keys(result).sort()) {
    const t = result[key];
    if (!t?.data) continue;
    hash.update(`${key} ${t.data.constructor.name}`).update(new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength));
  }
  return hash.digest('hex').slice(0, 16);
}

/** Inputs of one LSTM layer at (n_x, n_a, m, T), the same in every thread for a seed. */
function lstmCase(n_x, n_a, m, T, seed, dtype) {
  const r = new rn.RandomState(seed);
  const draw = (...shape) => ({ data: dtype.from(r.randn(...shape).data, (v) => v * 0.3), shape });
  const gate = () => draw(n_a, n_a + n_x);
  const bias = () => draw(n_a, 1);
  const params = { Wf: gate(), bf: bias(), Wi: gate(), bi: bias(), Wc: gate(), bc: bias(), Wo: gate(), bo: bias() };
  return { x: draw(n_x, m, T), a0: draw(n_a, m), da: draw(n_a, m, T), params };
}

/** The calls every thread runs: LSTM and RNN, forward and backward, both dtypes, at a shape that uses the GEMMs. */
const CASES = [Float64Array, Float32Array].flatMap((dtype, d) => [
  { name: `lstm ${dtype.name}`, input: lstmCase(24, 48, 8, 16, 1 + d, dtype) },
  { name: `lstm wide ${dtype.name}`, input: lstmCase(64, 96, 16, 12, 3 + d, dtype) },
]);

async function runCase(input, mode) {
  const forward = mode === 'sync' ? rn.lstmForward(input.x, input.a0, input.params) : await rn.lstmForwardAsync(input.x, input.a0, input.params);
  const backward = mode === 'sync' ? rn.lstmBackward(input.da, forward.caches) : await rn.lstmBackwardAsync(input.da, forward.caches);
  return digest({ a: forward.a, c: forward.c, ...backward });
}

/** `count` calls of ~100 ms each (large) or ~10 ms (medium) that keep the executor busy. */
function queueCalls(count, size) {
  const input = size === 'large' ? lstmCase(256, 512, 64, 48, 9, Float64Array) : lstmCase(128, 256, 32, 24, 9, Float64Array);
  return Array.from({ length: count }, () => rn.lstmForwardAsync(input.x, input.a0, input.params));
}

/** A worker running `task`; `w.exited` resolves to its exit code (listened to at once, so no exit is missed). */
function worker(task) {
  const w = new Worker(fileURLToPath(import.meta.url), { workerData: task });
  w.exited = new Promise((resolve) => w.once('exit', resolve));
  return w;
}
const exited = (w) => w.exited;
const message = (w) => new Promise((resolve, reject) => {
  w.once('message', resolve);
  w.once('error', reject);
});

// ---------------------------------------------------------------------------------------------------------------
// In a worker

async function workerMain({ task, rounds }) {
  if (task === 'compute') {
    const digests = [];
    for (let round = 0; round < rounds; ++round) {
      // All cases in flight at once, then one of them sync, interleaved with the other workers' jobs.
      digests.push(await Promise.all(CASES.map((c) => runCase(c.input, 'async'))));
      digests.push(await Promise.all(CASES.map((c) => runCase(c.input, 'sync'))));
    }
    parentPort.postMessage(digests);
  } else if (task === 'queue') {
    // Jobs in flight, then tell the parent (which terminates this worker mid-call).
    const pending = queueCalls(3, workerData.size);
    parentPort.postMessage('queued');
    await Promise.all(pending);
    parentPort.postMessage('finished');
  } else if (task === 'exit') {
    queueCalls(3, 'large');
    setTimeout(() => process.exit(5), 30);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// The scenarios, in the child process's main thread

const reference = () => Promise.all(CASES.map((c) => runCase(c.input, 'sync')));

/** The main thread still computes the same results, sync and async, after the scenario. */
async function mainStillWorks(expected) {
  const again = [...(await Promise.all(CASES.map((c) => runCase(c.input, 'async')))), ...(await reference())];
  return again.filter((d, i) => d !== expected[i % expected.length]).length;
}

const scenarios = {
  // Four workers computing at once, each async and sync, against the main thread's results.
  async workers(count) {
    const expected = await reference();
    const workers = Array.from({ length: count }, () => worker({ task: 'compute', rounds: 3 }));
    const results = await Promise.all(workers.map(message));
    await Promise.all(workers.map(exited));
    const compared = results.flat(2);
    const mismatches = compared.filter((d, i) => d !== expected[i % expected.length]).length;
    return { workers: results.length, compared: compared.length, mismatches, mainMismatches: await mainStillWorks(expected) };
  },

  // Workers started and ended over and over, half of them terminated with jobs in flight.
  async churn(count) {
    const expected = await reference();
    let terminated = 0;
    let finished = 0;
    let mismatches = 0;
    for (let i = 0; i < count; i += 4) {
      const wave = Array.from({ length: Math.min(4, count - i) }, (_, k) => ({ kill: (i + k) % 2 === 0, w: worker((i + k) % 2 === 0 ? { task: 'queue', size: 'medium' } : { task: 'compute', rounds: 1 }) }));
      await Promise.all(wave.map(async ({ kill, w }) => {
        const first = await message(w);
        if (kill) {
          await w.terminate();
          ++terminated;
        } else {
          mismatches += first.flat().filter((d, j) => d !== expected[j % expected.length]).length;
          await exited(w);
          ++finished;
        }
      }));
    }
    return { terminated, finished, mismatches, mainMismatches: await mainStillWorks(expected) };
  },

  // worker.terminate() while its large kernels are queued and one runs: it ends, the main thread goes on.
  async terminate() {
    const expected = await reference();
    const w = worker({ task: 'queue', size: 'large' });
    const first = await message(w);
    await new Promise((resolve) => setTimeout(resolve, 30));
    const t0 = performance.now();
    const code = await w.terminate();
    return { first, code, terminateMs: Math.round(performance.now() - t0), mainMismatches: await mainStillWorks(expected) };
  },

  // process.exit inside a worker with its kernels in flight: only that worker ends.
  async 'exit-worker'() {
    const expected = await reference();
    const w = worker({ task: 'exit' });
    const code = await exited(w);
    return { code, mainMismatches: await mainStillWorks(expected) };
  },

  // process.exit on the main thread with kernels in flight: the process exits with that status, nothing else.
  async 'exit-main'() {
    queueCalls(4, 'large');
    setTimeout(() => {
      process.stdout.write(JSON.stringify({ exiting: true }) + '\n');
      process.exit(7);
    }, 30);
    await new Promise(() => {});
  },
};

if (isMainThread) {
  const [scenario, count] = process.argv.slice(2);
  const outcome = await scenarios[scenario](Number(count ?? 4));
  process.stdout.write(JSON.stringify(outcome) + '\n');
} else {
  await workerMain(workerData);
}
