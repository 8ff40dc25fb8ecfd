// Run by limits.test.mjs as `sh -c 'ulimit -v …; exec node --expose-gc memory-child.mjs <rnnBackward|lstmBackward> <expected>'`:
// with the address space limited and filled with ballast, a backward pass whose native workspace no longer fits
// must end in a clear Error (sync: thrown; async: rejected), not in an abort; once the ballast is gone the same
// calls must give the results they gave before. Prints one JSON line per stage, so the parent can tell an
// environment that cannot run the check (V8 itself out of memory before any call) from a failure. The results to
// expect come from a first run without the limit (`memory-child.mjs <fn> --expected` prints their fingerprint): the
// native scratch arena keeps the largest workspace it has served, so a full-size call here before the ballast would
// leave the later ones nothing to allocate.
import { createHash } from 'node:crypto';
import * as V from './valid-inputs.mjs';

const MB = 2 ** 20;
const fingerprint = (r) => {
  const hash = createHash('sha256');
  for (const key of Object.keys(r).sort()) hash.update(key).update(new Uint8Array(r[key].data.buffer, r[key].data.byteOffset, r[key].data.byteLength));
  return hash.digest('hex');
};

// float64, n_x = 1, m = 1024: the workspace of the backward pass is T'·m·(2 n_a + n_x) (RNN) or T'·m·(5 n_a + n_x)
// (LSTM) values, the copy of da an async call makes T'·m·n_a.
const cases = {
  rnnBackward: { sizes: { n_x: 1, n_a: 32, n_y: 1, m: 1024, T: 256 }, workspace: 256 * 1024 * 65 * 8, copy: 256 * 1024 * 32 * 8 },
  lstmBackward: { sizes: { n_x: 1, n_a: 16, n_y: 1, m: 1024, T: 128 }, workspace: 128 * 1024 * 81 * 8, copy: 128 * 1024 * 16 * 8 },
};
const fn = process.argv[2];
const c = cases[fn];

const outcome = async (call) => {
  try {
    await call();
    return { result: 'no error' };
  } catch (error) {
    return { error: error?.constructor?.name, message: error?.message };
  }
};

// Warm up (OpenBLAS buffers, the team's threads, malloc arenas) with a backward pass of one step, whose workspace is
// small; the calls below go back through all T steps.
const args = V.argumentsOf(fn, { ...c.sizes, Tb: 1 }, Float64Array, { prediction: false });
const { n_a, m, T } = c.sizes;
V.invoke(fn, args);
await V.invoke(`${fn}Async`, args);
args.da = { data: new Float64Array(n_a * m * T).map((_, i) => ((i % 97) - 48) / 97), shape: [n_a, m, T] };
if (process.argv[3] === '--expected') {
  console.log(JSON.stringify({ stage: 'expected', fingerprint: fingerprint(V.invoke(fn, args)) }));
  process.exit(0);
}
const expected = process.argv[3];

// Fill the address space with 4 MB ballast until an allocation fails, then give V8 a margin for its own heap.
const base = process.memoryUsage().arrayBuffers;
const ballast = [];
for (;;) {
  try {
    ballast.push(new ArrayBuffer(4 * MB));
  } catch {
    break;
  }
}
const MARGIN = 16 * MB;
/** Frees `bytes` of ballast, and waits until V8 (which frees array buffers on another thread) has freed them. */
async function release(bytes) {
  ballast.splice(0, Math.ceil(bytes / (4 * MB)));
  for (let wait = 0; wait < 500; ++wait) {
    global.gc();
    if (process.memoryUsage().arrayBuffers <= base + ballast.length * 4 * MB + MB) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error('the ballast was not freed within 5 s');
}
await release(MARGIN);
console.log(JSON.stringify({ stage: 'filled', ballastMB: ballast.length * 4 }));

// Room for the small result arrays, not for the workspace: the native allocation fails.
await release(c.workspace / 2 - MARGIN);
const sync = await outcome(() => V.invoke(fn, args));
// Room for the copy of da the async call makes first, not for the workspace after it.
await release(c.copy);
const asynchronous = await outcome(() => V.invoke(`${fn}Async`, args));
console.log(JSON.stringify({ stage: 'calls', sync, async: asynchronous }));

await release(ballast.length * 4 * MB);
const after = { sync: fingerprint(V.invoke(fn, args)) === expected, async: fingerprint(await V.invoke(`${fn}Async`, args)) === expected };
console.log(JSON.stringify({ stage: 'after', after }));
