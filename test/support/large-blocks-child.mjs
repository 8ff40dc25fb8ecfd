// One scenario of test/large-blocks.test.mjs in a process of its own (run with --expose-gc); prints one JSON line.
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import * as rn from 'rnn-native';

const require = createRequire(import.meta.url);
const { native } = require('../../dist/native.js');
const MB = 2 ** 20;
const faults = () => process.resourceUsage().minorPageFault;
/** The pool's state with the bytes it holds mapped (handed out + idle). */
const info = () => {
  const i = native.largeBlocksInfo();
  return { ...i, mappedBytes: i.liveBytes + i.idleBytes };
};
/** Full collections with pauses: V8 frees dead ArrayBuffers on a background thread after the collection. */
async function collect() {
  for (let i = 0; i < 3; ++i) {
    globalThis.gc();
    await new Promise((resolve) => setTimeout(resolve, 30));
  }
}

/** float64 LSTM inputs whose gate cache (8 MiB) and results (a and c, 4 MiB) both come from the pool. */
function inputs() {
  const r = new rn.RandomState(3);
  const [n_x, n_a, m, T] = [64, 128, 32, 64];
  const params = {};
  for (const g of ['f', 'i', 'c', 'o']) {
    params[`W${g}`] = r.randn(n_a, n_a + n_x);
    params[`W${g}`].data.forEach((v, i, d) => { d[i] = v * 0.1; });
    params[`b${g}`] = r.randn(n_a, 1);
  }
  return { x: r.randn(n_x, m, T), a0: r.randn(n_a, m), params };
}

/** A fingerprint of every bit of the arrays. */
function fingerprint(...arrays) {
  let h = 0;
  for (const a of arrays) for (const w of new Uint32Array(a.buffer, a.byteOffset, a.byteLength / 4)) h = (Math.imul(h, 31) + w) | 0;
  return h;
}

const scenarios = {
  // Calls of the same sizes get their blocks back: no new mappings, almost no page faults, the same bits.
  recycled() {
    const { x, a0, params } = inputs();
    const call = () => {
      const r = rn.lstmForward(x, a0, params);
      // While r is alive, its blocks count as handed out.
      return { bits: fingerprint(r.a.data, r.c.data), pooled: info().enabled && info().liveBytes >= r.a.data.buffer.byteLength };
    };
    const { bits, pooled } = call();
    // The collector frees buffers on a background thread a little after gc() returns: the first calls may still
    // map new blocks.
    for (let i = 0; i < 10; ++i) call(), globalThis.gc();
    const warm = info();
    let same = true;
    const f0 = faults();
    for (let i = 0; i < 20; ++i) {
      same &&= call().bits === bits;
      globalThis.gc();
    }
    return { pooled, same, warm, after: info(), faultsPerCall: (faults() - f0) / 20 };
  },
  // A synchronous loop, with no turn of the event loop, gets blocks back as the collector frees its results.
  syncLoop() {
    const { x, a0, params } = inputs();
    const rss0 = process.memoryUsage().rss;
    let peak = 0;
    for (let i = 0; i < 150; ++i) {
      rn.lstmForward(x, a0, params);
      peak = Math.max(peak, process.memoryUsage().rss - rss0);
    }
    return { calls: 150, bytesPerCall: 12.6 * MB, peakGrowth: peak, info: info() };
  },
  // The pool holds at most the program's own high-water mark of live bytes: a block of a new size evicts idle ones.
  async bounded() {
    const fill = () => { // its frame holds the blocks, and nothing does once it returns
      const held = [];
      for (let i = 0; i < 20; ++i) held.push(native.largeArrayBuffer((4 + 2 * i) * MB)); // 20 sizes, 460 MiB in all
      for (const b of held) new Uint8Array(b).fill(1);
      return info();
    };
    const live = fill();
    await collect();
    const freed = info();
    const big = native.largeArrayBuffer(400 * MB); // fits no idle block
    new Uint8Array(big).fill(1);
    const withBig = info();
    return { live, freed, withBig, small: native.largeArrayBuffer(MB) === undefined };
  },
  // A result moved to a worker stays valid there, and its block comes back once the worker is gone.
  async transfer() {
    const { x, a0, params } = inputs();
    const { a } = rn.lstmForward(x, a0, params);
    const bits = fingerprint(new Float64Array(a.data.buffer)); // a and c share one buffer
    const worker = new Worker(`
      const { parentPort } = require('node:worker_threads');
      parentPort.on('message', (buffer) => { // listening keeps the worker and the buffer alive until terminate()
        const w = new Uint32Array(buffer); let h = 0;
        for (const v of w) h = (Math.imul(h, 31) + v) | 0;
        parentPort.postMessage(h);
      });`, { eval: true });
    worker.postMessage(a.data.buffer, [a.data.buffer]);
    const there = await new Promise((resolve) => worker.once('message', resolve));
    await collect();
    const withWorker = info().liveBytes;
    await worker.terminate();
    await collect();
    return { bits, there, detachedHere: a.data.buffer.byteLength === 0, withWorker, after: info().liveBytes };
  },
  // RNN_NATIVE_MALLOC=system: Node allocates every array; the results are the same.
  system() {
    const { x, a0, params } = inputs();
    const r = rn.lstmForward(x, a0, params);
    return { info: info(), bits: fingerprint(r.a.data, r.c.data), served: native.largeArrayBuffer(64 * MB) !== undefined };
  },
};

console.log(JSON.stringify(await scenarios[process.argv[2]]()));
