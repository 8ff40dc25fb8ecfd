// Run by leak.test.mjs as `node --expose-gc leak-child.mjs [calls]`: `calls` sync and `calls` async calls of each
// sequence function (rnnForward, rnnBackward, lstmForward, lstmBackward; float64 and float32 alternating) at a
// small shape, after a warm-up of a tenth as many (five times as many for the async calls, see below), then `calls` failing sync calls and as many failing async ones
// spread over the four functions (errors must not leak either). Async calls run in bursts of 200 in flight that mix the four functions and both dtypes, with fresh
// inputs whose only references are dropped at once and garbage collection forced while the burst is in flight:
// an input collected too early would change the result, so every async result is compared bit for bit with the
// sync result. Prints one JSON line: memory after the warm-up and at the end (both after GC), times, mismatches.
import * as V from './valid-inputs.mjs';

const CALLS = Number(process.argv[2] ?? 10_000);
const BURST = 200;
const KINDS = ['rnnForward', 'rnnBackward', 'lstmForward', 'lstmBackward'].flatMap((fn) => [[fn, Float64Array], [fn, Float32Array]]);

const bytes = (t) => Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength);
const fingerprint = (result) => Buffer.concat(Object.keys(result).sort().filter((k) => result[k]?.data).map((k) => bytes(result[k])));

// Caches (of the backward passes) are made once per dtype and shared, like a training loop's; everything else is
// fresh per call.
const caches = new Map(KINDS.filter(([fn]) => fn.endsWith('Backward')).map(([fn, dtype]) => [`${fn} ${dtype.name}`,
  V.argumentsOf(fn, undefined, dtype).caches]));
const freshArgs = (fn, dtype) => (fn.endsWith('Backward')
  ? { da: V.input('da', dtype), caches: caches.get(`${fn} ${dtype.name}`) }
  : V.argumentsOf(fn, undefined, dtype));
const expected = new Map(KINDS.map(([fn, dtype]) => [`${fn} ${dtype.name}`, fingerprint(V.invoke(fn, freshArgs(fn, dtype)))]));

let mismatches = 0;
const check = (fn, dtype, result) => {
  if (!fingerprint(result).equals(expected.get(`${fn} ${dtype.name}`))) ++mismatches;
};

// Sync calls share their inputs (a sync call cannot outlive them); async calls get fresh ones.
const shared = new Map(KINDS.map(([fn, dtype]) => [`${fn} ${dtype.name}`, freshArgs(fn, dtype)]));

function syncCalls(n) {
  for (let i = 0; i < n; ++i) {
    const [fn, dtype] = KINDS[i % KINDS.length];
    check(fn, dtype, V.invoke(fn, shared.get(`${fn} ${dtype.name}`)));
    // Bounds the garbage between collections, so that its high-water mark is reached in the warm-up.
    if (i % 500 === 499) global.gc({ type: 'minor' });
  }
}

/** One burst: `BURST` async calls in flight, the inputs unreachable from here once started, GC forced meanwhile. */
async function burst(offset) {
  const pending = [];
  for (let i = 0; i < BURST; ++i) {
    const [fn, dtype] = KINDS[(offset + i) % KINDS.length];
    pending.push(V.invoke(`${fn}Async`, freshArgs(fn, dtype)).then((result) => check(fn, dtype, result)));
    if (i % 50 === 49) global.gc({ type: 'minor' }); // the fresh inputs are young: a scavenge would free them
  }
  global.gc({ type: offset % (10 * BURST) === 0 ? 'major' : 'minor' });
  await Promise.all(pending);
}

async function asyncCalls(n) {
  for (let done = 0; done < n; done += BURST) await burst(done);
}

/** Calls that throw (sync) or reject (async) after validating most of their arguments. */
async function failingCalls(n) {
  let errors = 0;
  for (let i = 0; i < n; ++i) {
    const [fn, dtype] = KINDS[i % KINDS.length];
    const args = freshArgs(fn, dtype);
    if (args.da) args.da = V.tensor([V.n_a, V.m, V.T + 1], 3, dtype); // one step too many
    else args.a0 = V.tensor([V.n_a, V.m + 1], 3, dtype); // one column too many
    try {
      V.invoke(fn, args);
    } catch {
      ++errors;
    }
    await V.invoke(`${fn}Async`, args).catch(() => ++errors);
    if (i % 250 === 249) global.gc({ type: 'minor' });
  }
  return errors;
}

async function settle() {
  for (let i = 0; i < 4; ++i) {
    global.gc();
    await new Promise((resolve) => setImmediate(resolve));
  }
  const { rss, heapUsed, external, arrayBuffers } = process.memoryUsage();
  return { rss, heapUsed, external, arrayBuffers };
}

const warm = Math.ceil(CALLS / 10);
syncCalls(warm * 4);
// The async warm-up is longer: glibc's main heap reaches its plateau only after ~20,000 async calls (the executor
// thread completes calls while the main thread is still allocating the next ones), and then stays there (measured
// flat from 40,000 to 300,000 calls), so a shorter warm-up would count that plateau as a leak.
await asyncCalls(warm * 20);
await failingCalls(warm);
const before = await settle();
const t0 = performance.now();
syncCalls(CALLS * 4);
const t1 = performance.now();
const afterSync = await settle();
await asyncCalls(CALLS * 4);
const t2 = performance.now();
const afterAsync = await settle();
const errors = await failingCalls(CALLS);
const t3 = performance.now();
const after = await settle();
console.log(JSON.stringify({
  calls: CALLS, before, afterSync, afterAsync, after, mismatches, errors,
  ms: { sync: t1 - t0, async: t2 - t1, failing: t3 - t2 },
}));
