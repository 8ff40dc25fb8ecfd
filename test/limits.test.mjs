// Sizes at and beyond the limits (issue 4): shapes whose size overflows 2^31 or 2^53, T·m beyond what one BLAS
// call can index, results that cannot fit in memory, and a native workspace that does not fit. Each is a clear
// error before (or instead of) the allocation — never an abort, a hang or a huge allocation — and leaves the
// package working.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import * as os from 'node:os';
import { fileURLToPath } from 'node:url';
import * as rn from 'rnn-native';
import { snapshot } from './support/check.mjs';
import * as V from './support/valid-inputs.mjs';

const MB = 2 ** 20;
const baseline = Object.fromEntries(Object.keys(V.ARGUMENTS).map((fn) => [fn, snapshot(V.invoke(fn, V.argumentsOf(fn)))]));
/** Every function still gives the result it gave before the test. */
const assertHealthy = () => {
  for (const fn of Object.keys(V.ARGUMENTS)) assert.equal(snapshot(V.invoke(fn, V.argumentsOf(fn))), baseline[fn], `${fn} after the errors`);
};
const shapeText = (shape) => `(${shape.join(', ')})`;

/** The error `call` throws, or the one its Promise rejects with (undefined if it succeeds). */
async function errorOf(call) {
  try {
    await call();
  } catch (error) {
    return error;
  }
  return undefined;
}

/** Runs `body`, asserting it takes under `ms` milliseconds and grows RSS by under `mb` MB. */
async function quickAndSmall(label, ms, mb, body) {
  const rss = process.memoryUsage().rss;
  const t0 = performance.now();
  await body();
  const elapsed = performance.now() - t0;
  const grown = (process.memoryUsage().rss - rss) / MB;
  assert.ok(elapsed < ms, `${label}: took ${elapsed.toFixed(0)} ms (an allocation before the check?)`);
  assert.ok(grown < mb, `${label}: RSS grew by ${grown.toFixed(0)} MB (an allocation before the check?)`);
}

/** Valid arguments of `fn` with the tensor argument `name` (an input, opts.c0 or a parameter) replaced by `value`. */
function withArgument(fn, name, value) {
  const args = V.argumentsOf(fn);
  if (name in args) args[name] = value;
  else if (name === 'c0') args.opts = { c0: value };
  else args.params = { ...args.params, [name]: value };
  return args;
}

/** A zero-filled `Type` array of `length` values that the operating system lends lazily, or undefined if it cannot. */
function lazyArray(Type, length) {
  try {
    return new Type(length);
  } catch {
    return undefined;
  }
}

// ---------------------------------------------------------------------------------------------------------------

test('shapes whose size overflows 2^31 or 2^53 are RangeErrors naming the argument, for every argument, at once', async () => {
  let cases = 0;
  await quickAndSmall('all overflowing shapes', 2000, 50, async () => {
    for (const fn of V.ALL_FUNCTIONS) {
      const { inputs, params } = V.signatures[V.syncOf(fn)];
      for (const name of [...inputs, ...params]) {
        const rank = V.shapes[name].length;
        const data = new Float64Array(6);
        for (const [dims, message] of [
          [rank === 2 ? [2 ** 16, 2 ** 16 + 1] : [2 ** 11, 2 ** 11, 2 ** 11 + 1], (s, n) => `${name}.data has 6 values but its shape ${s} needs ${n}`],
          [rank === 2 ? [2 ** 27, 2 ** 27] : [2 ** 18, 2 ** 18, 2 ** 18], (s) => `${name}.shape ${s} has too many elements`],
          [rank === 2 ? [2 ** 53 - 1, 2] : [3, 2 ** 53 - 1, 1], (s) => `${name}.shape ${s} has too many elements`],
        ]) {
          const size = dims.reduce((p, d) => p * d, 1);
          const error = await errorOf(() => V.invoke(fn, withArgument(fn, name, { data, shape: dims })));
          assert.ok(error instanceof RangeError, `${fn} ${name} ${shapeText(dims)}: ${error?.constructor?.name}: ${error?.message}`);
          assert.is(error.message, message(shapeText(dims), size), `${fn} ${name} ${shapeText(dims)}`);
          ++cases;
        }
      }
    }
  });
  assert.ok(cases > 200, `${cases} cases`);
  assertHealthy();
});

test('T·m beyond what one BLAS call can index (2^31 - 1) is a RangeError before anything is allocated', async () => {
  // x (1, 2^16, 2^15) in float32: 8 GiB the operating system lends without touching; the check must not touch it.
  const data = lazyArray(Float32Array, 2 ** 31);
  if (!data) {
    console.log('    skipped: this machine will not lend an 8 GiB array');
    return;
  }
  const x = { data, shape: [1, 2 ** 16, 2 ** 15] };
  const tiny = (shape) => ({ data: new Float32Array(shape.reduce((p, d) => p * d, 1)).fill(0.1), shape });
  const n_a = 2;
  const rnn = { Wax: tiny([n_a, 1]), Waa: tiny([n_a, n_a]), ba: tiny([n_a, 1]) };
  const lstm = Object.fromEntries(['f', 'i', 'c', 'o'].flatMap((g) => [[`W${g}`, tiny([n_a, n_a + 1])], [`b${g}`, tiny([n_a, 1])]]));
  const a0 = tiny([n_a, 2 ** 16]);
  const message = 'sizes too large: T·m = 2147483648 exceeds 2147483647, the largest size one BLAS call can index';
  await quickAndSmall('T·m = 2^31', 1000, 100, async () => {
    for (const [label, call] of [
      ['rnnForward', () => rn.rnnForward(x, a0, rnn)],
      ['rnnForwardAsync', () => rn.rnnForwardAsync(x, a0, rnn)],
      ['lstmForward', () => rn.lstmForward(x, a0, lstm)],
      ['lstmForwardAsync', () => rn.lstmForwardAsync(x, a0, lstm, { c0: a0 })],
    ]) {
      const error = await errorOf(call);
      assert.ok(error instanceof RangeError, `${label}: ${error?.constructor?.name}: ${error?.message}`);
      assert.is(error.message, message, label);
    }
    const error = await errorOf(() => rn.softmax({ data, shape: [2, 2 ** 30] }));
    assert.ok(error instanceof RangeError, `softmax: ${error?.constructor?.name}: ${error?.message}`);
    assert.is(error.message, 'sizes too large: the number of values in z = 2147483648 exceeds 2147483647, the largest size one BLAS call can index');
  });
  assertHealthy();
});

test('results and caches that cannot fit in memory are a RangeError naming the sizes, before anything is allocated', async () => {
  const checked = [];
  const limit = /more than the \d+\.\d GiB of memory of this machine$/;
  // RNN: n_a = 4096, x (1, 8192, 8192): a alone is 2^38 float32 values, 1 TiB. Waa and x are lent, never touched.
  const Waa = lazyArray(Float32Array, 4096 * 4096);
  const x = lazyArray(Float32Array, 2 ** 26);
  // LSTM: n_a = 64, x (1, 32768, 32768): the gates alone are 2^38 float32 values. x is 4 GiB, lent.
  const xl = lazyArray(Float32Array, 2 ** 30);
  if (os.totalmem() > 2 ** 40) {
    console.log('    skipped: this machine has more than 1 TiB of memory');
    return;
  }
  // Zeros, never touched: a0 (4096, 8192) alone would otherwise be 128 MB.
  const tiny = (shape) => ({ data: new Float32Array(shape.reduce((p, d) => p * d, 1)), shape });
  await quickAndSmall('results beyond memory', 1000, 100, async () => {
    if (Waa && x) {
      const params = { Wax: tiny([4096, 1]), Waa: { data: Waa, shape: [4096, 4096] }, ba: tiny([4096, 1]) };
      const xs = { data: x, shape: [1, 8192, 8192] };
      const a0 = tiny([4096, 8192]);
      for (const [label, call] of [['rnnForward', () => rn.rnnForward(xs, a0, params)], ['rnnForwardAsync', () => rn.rnnForwardAsync(xs, a0, params)]]) {
        const error = await errorOf(call);
        assert.ok(error instanceof RangeError, `${label}: ${error?.constructor?.name}: ${error?.message}`);
        assert.match(error.message, /^not enough memory: this call needs \d+\.\d GiB for its results, caches and workspace \(n_x = 1, n_a = 4096, m = 8192, T = 8192\), /);
        assert.match(error.message, limit);
        checked.push(label);
      }
    }
    if (xl) {
      const n_a = 64;
      const params = Object.fromEntries(['f', 'i', 'c', 'o'].flatMap((g) => [[`W${g}`, tiny([n_a, n_a + 1])], [`b${g}`, tiny([n_a, 1])]]));
      const xs = { data: xl, shape: [1, 2 ** 15, 2 ** 15] };
      const a0 = tiny([n_a, 2 ** 15]);
      for (const [label, call] of [['lstmForward', () => rn.lstmForward(xs, a0, params)], ['lstmForwardAsync', () => rn.lstmForwardAsync(xs, a0, params)]]) {
        const error = await errorOf(call);
        assert.ok(error instanceof RangeError, `${label}: ${error?.constructor?.name}: ${error?.message}`);
        assert.match(error.message, /^not enough memory: this call needs \d+\.\d GiB for its results, caches and workspace \(n_x = 1, n_a = 64, m = 32768, T = 32768\), /);
        assert.match(error.message, limit);
        checked.push(label);
      }
    }
  });
  if (checked.length < 4) console.log(`    only ${checked.join(', ') || 'nothing'} checked: this machine would not lend the inputs`);
  assert.ok(checked.length > 0 || !(Waa && x) && !xl);
  assertHealthy();
});

// ---------------------------------------------------------------------------------------------------------------

/** Runs test/support/memory-child.mjs for `fn` under a 3 GB address-space limit; resolves to its JSON lines. */
function memoryChild(fn, limited, expected = '') {
  const child = fileURLToPath(new URL('./support/memory-child.mjs', import.meta.url));
  // A fixed mmap threshold makes glibc return every freed large block to the system at once; with its default
  // dynamic threshold, freed ballast can stay in malloc's heap and the address space never comes back.
  const run = `MALLOC_MMAP_THRESHOLD_=131072 exec "${process.execPath}" --expose-gc "${child}" ${fn} ${limited ? expected : '--expected'}`;
  const command = limited ? `ulimit -v 3000000 && ${run}` : run;
  return new Promise((resolve) => {
    const p = spawn('sh', ['-c', command], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    const timer = setTimeout(() => p.kill('SIGKILL'), 60_000);
    p.stdout.on('data', (d) => (out += d));
    p.stderr.on('data', (d) => (err += d));
    p.on('close', (status, signal) => {
      clearTimeout(timer);
      const stages = Object.fromEntries(out.split('\n').filter(Boolean).map((l) => JSON.parse(l)).map((l) => [l.stage, l]));
      resolve({ status, signal, stages, stderr: err });
    });
  });
}

test('a native workspace that does not fit is a clear Error (sync and async), and later calls give their results', async () => {
  if (process.platform !== 'linux') {
    console.log('    skipped: needs `ulimit -v` (Linux)');
    return;
  }
  // Each function's unlimited run, then its limited one; the two functions side by side.
  const runs = await Promise.all(['rnnBackward', 'lstmBackward'].map(async (fn) => {
    const { stages: { expected } } = await memoryChild(fn, false);
    assert.ok(expected?.fingerprint, `${fn}: the run without the limit gave no results`);
    return [fn, await memoryChild(fn, true, expected.fingerprint)];
  }));
  for (const [fn, { status, signal, stages, stderr }] of runs) {
    if (!stages.filled) {
      console.log(`    ${fn}: skipped, the child could not set up under the limit (${signal ?? `exit ${status}`}): ${stderr.split('\n')[0]}`);
      continue;
    }
    assert.ok(stages.calls, `${fn}: the child died (${signal ?? `exit ${status}`}) in the calls that do not fit\n${stderr}`);
    for (const mode of ['sync', 'async']) {
      const o = stages.calls[mode];
      assert.is(o.error, 'Error', `${fn} ${mode}: expected an Error, got ${o.error ? `${o.error}: ${o.message}` : o.result}`);
      assert.is(o.message, 'rnn-native: not enough memory for the workspace of this call', `${fn} ${mode}`);
    }
    assert.ok(stages.after, `${fn}: the child died (${signal ?? `exit ${status}`}) after the ballast was freed\n${stderr}`);
    assert.equal(stages.after.after, { sync: true, async: true }, `${fn}: the results after the failures equal those before`);
    assert.is(status, 0, `${fn}: exit status`);
  }
});

test.run();
