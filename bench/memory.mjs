// Memory of the LSTM, each part in a fresh Node process:
// (a) peak: the bytes a float64 lstmForward + lstmBackward at the large shape must hold, counted from lib/lstm.ts and
//     native/kernels/lstm.cc, against the measured growth of peak RSS over one forward + backward (inputs allocated
//     before the baseline, so they are not counted);
// (b) flat: RSS after 1,000 and after 10,000 forward + backward calls at the small shape; the loop stops early after
//     FLAT_SECONDS (the report gives the calls made). Before each sample, full GCs and pauses let V8 free the dead
//     ArrayBuffers (it does so in the background), and the child runs with MALLOC_MMAP_THRESHOLD_ pinned: glibc's
//     default, dynamic threshold keeps freed blocks of a few hundred KB in its heap, which moves RSS by ±15 MB from
//     sample to sample whatever the program holds; pinned, RSS follows what is live;
// (c) faults: minor page faults per call of a float32 forward and of a float64 forward + backward at the medium shape,
//     after FAULT_WARMUP calls (process.resourceUsage, over FAULT_CALLS calls), with the addon's own allocator policy.
// The layers (issue 10), each in a fresh child too: (d) peak RSS growth of one `tape: false` forward of a 3-layer float32
// Lstm at the large shape (I = n_x, H = n_a) against one layer's activations + the results (inference keeps one
// layer's activations, not the stack's), with VmHWM reset through /proc/self/clear_refs where the kernel allows it
// (else the process's maxRSS, the inputs and the layer allocated before the baseline); (e) minor page faults per call
// of the 1-layer Lstm `tape: false` forward at the medium shape.
// Run alone: node bench/memory.mjs [--quick] [--layers]  (prints the report, then its JSON on the last line; --layers:
// the layer parts only). bench/run.mjs runs it too.
import { spawnSync } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as rnn from 'rnn-native';
import { layerSizes, makeInputs, makeLayer, makeLayerInputs, SHAPES } from './inputs.mjs';

const MB = 2 ** 20;
const TARGET_RATIO = 1.2;
const LAYER_TARGET_RATIO = 1.3;
const LAYER_STACK = 3;
const FAULT_WARMUP = 100;
const FAULT_CALLS = 100;
const FLAT_MB = 2;
const FLAT_SECONDS = 60;

/** Bytes that one forward + backward holds beyond its inputs, by buffer. */
function documentedBytes({ n_x, n_a, m, T }, bytesPerValue) {
  const cols = T * m;
  const values = {
    // lib/lstm.ts lstmLayer: the fused gate weights W (4 n_a, n_a + n_x) and bias b (4 n_a), kept by the caches.
    'fused W, b': 4 * n_a * (n_a + n_x) + 4 * n_a,
    // lib/lstm.ts prepareForward: results a, c (n_a, m, T) and the cache X (T, m, n_x), H and C (T + 1, m, n_a),
    // G (T, m, 4 n_a). Without Wy/by the forward kernel allocates nothing.
    'forward results a, c': 2 * n_a * cols,
    'cache X, H, C, G': n_x * cols + 2 * (cols + m) * n_a + 4 * n_a * cols,
    // lib/lstm.ts prepareBackward: dx (n_x, m, T), da0 and dc0 (n_a, m), dW (4 n_a, n_a + n_x), db (4 n_a).
    'backward results': n_x * cols + 2 * n_a * m + 4 * n_a * (n_a + n_x) + 4 * n_a,
    // native/kernels/lstm.cc lstm_backward's scratch: dH (T·m, n_a), dZ (T·m, 4 n_a), dh0 and dc (m, n_a), dX (T·m, n_x).
    'backward workspace': cols * n_a + cols * 4 * n_a + 2 * m * n_a + cols * n_x,
    // native/kernels/scan.cc: the packed recurrent weights, 4 n_a · n_a over all threads (forward rows of W_h, then
    // backward columns, each thread's padded to whole panels of 32), and each thread's (m, 4 n_a) products.
    'packed panels': 4 * n_a * n_a + 4 * m * n_a,
  };
  const parts = Object.fromEntries(Object.entries(values).map(([k, v]) => [k, v * bytesPerValue]));
  return { parts, total: Object.values(parts).reduce((a, b) => a + b, 0) };
}

const maxRssBytes = () => process.resourceUsage().maxRSS * 1024;

function fwdBwd({ x, a0, da, params }) {
  const forward = rnn.lstmForward(x, a0, params);
  return [forward, rnn.lstmBackward(da, forward.caches)];
}

function peak() {
  fwdBwd(makeInputs('lstm', 'small', 'float64')); // loads the addon and starts OpenBLAS's threads
  const inputs = makeInputs('lstm', 'large', 'float64');
  globalThis.gc();
  const reset = resetPeak();
  const before = process.memoryUsage.rss();
  fwdBwd(inputs);
  // The high-water mark: the peak inside the calls. maxRSS alone would not do in a child of the bench, since Linux
  // carries the parent's RSS at fork into the child's maxRSS across exec.
  const measured = peakRssBytes(reset) - before;
  const documented = documentedBytes(SHAPES.large, 8);
  return { shape: 'large', dtype: 'float64', documented, measured, ratio: measured / documented.total, method: peakMethod(reset) };
}

async function flat(first, last) {
  const inputs = makeInputs('lstm', 'small', 'float64');
  const sample = async () => {
    for (let i = 0; i < 3; i++) {
      globalThis.gc();
      await sleep(50);
    }
    return process.memoryUsage.rss();
  };
  for (let i = 0; i < first; i++) fwdBwd(inputs);
  const rssFirst = await sample();
  const deadline = performance.now() + FLAT_SECONDS * 1000;
  let calls = first;
  while (calls < last && performance.now() < deadline) {
    fwdBwd(inputs);
    calls++;
  }
  const rssLast = await sample();
  return { shape: 'small', first, last: calls, requested: last, rssFirst, rssLast, growthMB: (rssLast - rssFirst) / MB };
}

/**
 * Minor page faults per call after a warm-up, for a float32 forward and a float64 forward + backward at medium, and
 * a float32 forward at large (150 MB of results and caches a call, which the recycled blocks serve after the first).
 */
function faults() {
  const perCall = (run, warmup = FAULT_WARMUP, calls = FAULT_CALLS) => {
    for (let i = 0; i < warmup; i++) run();
    const before = process.resourceUsage().minorPageFault;
    for (let i = 0; i < calls; i++) run();
    return (process.resourceUsage().minorPageFault - before) / calls;
  };
  const f32 = makeInputs('lstm', 'medium', 'float32');
  const f64 = makeInputs('lstm', 'medium', 'float64');
  const large = makeInputs('lstm', 'large', 'float32');
  return {
    shape: 'medium', warmup: FAULT_WARMUP, calls: FAULT_CALLS,
    forwardFloat32: perCall(() => rnn.lstmForward(f32.x, f32.a0, f32.params)),
    forwardBackwardFloat64: perCall(() => fwdBwd(f64)),
    forwardFloat32Large: perCall(() => rnn.lstmForward(large.x, large.a0, large.params), 3, 5),
  };
}

/** Bytes a `tape: false` forward of an L-layer (D = 1) float32 Lstm may hold beyond its inputs: one layer's activations + the results. */
function documentedLayerBytes({ I, H, m, T }, L, bytesPerValue) {
  const values = {
    'one layer: h and c (T+1, m, H)': 2 * (T + 1) * m * H,
    'one layer: gates (T, m, 4H)': T * m * 4 * H,
    'one layer: input copy (T, m, max(I, H))': T * m * Math.max(I, H),
    'results y (T, m, H)': T * m * H,
    'results hN, cN (L, m, H)': 2 * L * m * H,
  };
  const parts = Object.fromEntries(Object.entries(values).map(([k, v]) => [k, v * bytesPerValue]));
  return { parts, total: Object.values(parts).reduce((a, b) => a + b, 0) };
}

const statusKiB = (field) => Number(readFileSync('/proc/self/status', 'utf8').match(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm'))?.[1]);

/** The peak RSS since resetPeak() when it succeeded (`reset`), else the process's maxRSS, and how it was read. */
const peakRssBytes = (reset) => (reset ? statusKiB('VmHWM') * 1024 : maxRssBytes());
const peakMethod = (reset) => (reset ? 'VmHWM after clear_refs' : 'maxRSS');

/** Resets the peak RSS (VmHWM) to the current RSS; false when the kernel does not allow it. */
function resetPeak() {
  try {
    writeFileSync('/proc/self/clear_refs', '5');
    return statusKiB('VmHWM') <= statusKiB('VmRSS') + 64; // reset: the mark is the current RSS again
  } catch {
    return false;
  }
}

function layerPeak() {
  const small = new rnn.Lstm({ inputSize: 8, hiddenSize: 16, numLayers: LAYER_STACK, dtype: 'float32' });
  small.forward({ data: new Float32Array(4 * 2 * 8), shape: [4, 2, 8] }); // loads the addon and starts the threads
  const sizes = layerSizes('large');
  const layer = new rnn.Lstm({ inputSize: sizes.I, hiddenSize: sizes.H, numLayers: LAYER_STACK, dtype: 'float32', seed: 1 });
  const { x } = makeLayerInputs('Lstm', 'large');
  globalThis.gc();
  const reset = resetPeak();
  const before = process.memoryUsage.rss();
  const out = layer.forward(x, { tape: false });
  const peakBytes = peakRssBytes(reset);
  const measured = peakBytes - before;
  if (out.y.data.length !== sizes.T * sizes.m * sizes.H) throw new Error('layer-peak: unexpected y');
  const documented = documentedLayerBytes(sizes, LAYER_STACK, 4);
  return {
    shape: 'large', layers: LAYER_STACK, dtype: 'float32', method: peakMethod(reset),
    documented, measured, ratio: measured / documented.total,
  };
}

function layerFaults() {
  const layer = makeLayer(rnn, 'Lstm', 'medium');
  const { x } = makeLayerInputs('Lstm', 'medium');
  const run = () => layer.forward(x, { tape: false });
  for (let i = 0; i < FAULT_WARMUP; i++) run();
  const before = process.resourceUsage().minorPageFault;
  for (let i = 0; i < FAULT_CALLS; i++) run();
  return { shape: 'medium', warmup: FAULT_WARMUP, calls: FAULT_CALLS, forwardFloat32: (process.resourceUsage().minorPageFault - before) / FAULT_CALLS };
}

function child(part, args, env = {}) {
  const self = fileURLToPath(import.meta.url);
  const out = spawnSync(process.execPath, ['--expose-gc', self, `--part=${part}`, ...args], {
    encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, ...env },
  });
  if (out.status !== 0) throw new Error(`memory part '${part}' failed (exit ${out.status})`);
  return JSON.parse(out.stdout);
}

/** Both parts, each in a fresh child process. */
export function measureMemory({ quick }) {
  const peakResult = child('peak', []);
  const flatResult = child('flat', quick ? ['500', '1000'] : ['1000', '10000'], { MALLOC_MMAP_THRESHOLD_: '65536' });
  return {
    peak: { ...peakResult, target: TARGET_RATIO, pass: peakResult.ratio <= TARGET_RATIO },
    flat: { ...flatResult, thresholdMB: FLAT_MB, pass: flatResult.growthMB <= FLAT_MB },
    faults: child('faults', []),
  };
}

/** The layer parts, each in a fresh child process. */
export function measureLayerMemory() {
  const peakResult = child('layer-peak', []);
  return {
    peak: { ...peakResult, target: LAYER_TARGET_RATIO, pass: peakResult.ratio <= LAYER_TARGET_RATIO },
    faults: child('layer-faults', []),
  };
}

export function describeLayerMemory({ peak: p, faults: q }) {
  return [
    `(d) float32 ${p.layers}-layer Lstm forward (tape: false), large shape: documented ${(p.documented.total / MB).toFixed(1)} MB (` +
      Object.entries(p.documented.parts).map(([k, v]) => `${k} ${(v / MB).toFixed(1)}`).join(', ') +
      `); measured peak RSS growth ${(p.measured / MB).toFixed(1)} MB (${p.method}); measured/documented ${p.ratio.toFixed(3)} (target ≤ ${p.target})`,
    `(e) minor page faults per call of the float32 Lstm layer forward (tape: false) at the ${q.shape} shape after ${q.warmup} calls: ${q.forwardFloat32.toFixed(1)}`,
  ];
}

export function describeMemory({ peak: p, flat: f, faults: q }) {
  const lines = [`(a) float64 LSTM forward+backward, large shape: documented ${(p.documented.total / MB).toFixed(1)} MB (` +
    Object.entries(p.documented.parts).map(([k, v]) => `${k} ${(v / MB).toFixed(1)}`).join(', ') +
    `); measured peak RSS growth ${(p.measured / MB).toFixed(1)} MB (${p.method}); measured/documented ${p.ratio.toFixed(3)} (target ≤ ${p.target})`];
  const capped = f.last < f.requested ? ` (of ${f.requested}: stopped at the ${FLAT_SECONDS} s cap)` : '';
  lines.push(`(b) RSS after ${f.first} calls ${(f.rssFirst / MB).toFixed(1)} MB, after ${f.last} calls${capped} ` +
    `${(f.rssLast / MB).toFixed(1)} MB: growth ${f.growthMB.toFixed(2)} MB (flat means growth ≤ ${f.thresholdMB} MB)`);
  lines.push(`(c) minor page faults per call at the ${q.shape} shape after ${q.warmup} calls: float32 forward ` +
    `${q.forwardFloat32.toFixed(1)}, float64 forward+backward ${q.forwardBackwardFloat64.toFixed(1)}; at the large shape, float32 forward ` +
    `${q.forwardFloat32Large.toFixed(0)}`);
  return lines;
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const part = process.argv.find((a) => a.startsWith('--part='))?.slice(7);
  if (part === 'peak') console.log(JSON.stringify(peak()));
  else if (part === 'faults') console.log(JSON.stringify(faults()));
  else if (part === 'flat') console.log(JSON.stringify(await flat(Number(process.argv[3]), Number(process.argv[4]))));
  else if (part === 'layer-peak') console.log(JSON.stringify(layerPeak()));
  else if (part === 'layer-faults') console.log(JSON.stringify(layerFaults()));
  else if (process.argv.includes('--layers')) {
    const result = measureLayerMemory();
    for (const line of describeLayerMemory(result)) console.log(line);
    console.log(JSON.stringify(result));
  } else {
    const result = measureMemory({ quick: process.argv.includes('--quick') });
    for (const line of describeMemory(result)) console.log(line);
    console.log(JSON.stringify(result));
  }
}
