// The persistent packed recurrent kernel against the per-step BLAS path (the reference), for both cells and dtypes,
// n_a on both sides of every vector-width and tiling threshold, and m across the microkernels' row tiles; every
// microkernel this CPU can run; thread counts 1 and 2 with setNumThreads changed between calls; and determinism
// across runs; both ways of dealing steps to the team (RNN_NATIVE_SPLIT: by hidden units with a barrier per step, by
// rows without one), bit for bit the same. The addon reads RNN_NATIVE_RECURRENT, RNN_NATIVE_ISA and RNN_NATIVE_SPLIT
// once, so each setting runs in a child.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as rn from 'rnn-native';

const CHILD = fileURLToPath(new URL('./support/kernel-child.mjs', import.meta.url));
const THREADS = [1, 2, 1];

// The children run two at a time (one per core): each settles to its parsed output, or to the Error it died with.
async function runChild(env) {
  try {
    const { stdout } = await promisify(execFile)(process.execPath, [CHILD, JSON.stringify(THREADS)], {
      env: { ...process.env, RNN_NATIVE_RECURRENT: '', RNN_NATIVE_ISA: '', RNN_NATIVE_SPLIT: '', ...env }, maxBuffer: 256 << 20,
    });
    return JSON.parse(stdout);
  } catch (error) {
    return new Error(`child with ${JSON.stringify(env)} failed (${error.signal ?? error.code}):\n${error.stderr}`);
  }
}

async function runAll(envs) {
  const results = [];
  for (let i = 0; i < envs.length; i += 2) results.push(...(await Promise.all(envs.slice(i, i + 2).map(runChild))));
  for (const r of results) if (r instanceof Error) throw r;
  return results;
}

const decode = (b64, key) => {
  const bytes = Buffer.from(b64, 'base64');
  const Type = key.includes('float32') ? Float32Array : Float64Array;
  return new Type(bytes.buffer, bytes.byteOffset, bytes.byteLength / Type.BYTES_PER_ELEMENT);
};

/** Largest |a - e| / max(1, |e|) over every array of every case; the name of the worst. */
function compareRuns(actual, expected) {
  let worst = { error: 0, where: 'nothing' };
  for (const [key, arrays] of Object.entries(expected.cases)) {
    for (const [name, value] of Object.entries(arrays)) {
      if (name === 'sample') continue;
      const e = name === 'losses' ? Float64Array.from(value) : decode(value, key);
      const a = name === 'losses' ? Float64Array.from(actual.cases[key][name]) : decode(actual.cases[key][name], key);
      assert.is(a.length, e.length, `${key} ${name}: length`);
      for (let i = 0; i < e.length; ++i) {
        const error = Math.abs(a[i] - e[i]) / Math.max(1, Math.abs(e[i]));
        if (!(error <= worst.error)) worst = { error, where: `${key} ${name}[${i}]: ${a[i]} vs ${e[i]}` };
      }
    }
  }
  return worst;
}

function assertWithin(actual, expected, label) {
  for (const dtype of ['float64', 'float32']) {
    const pick = (run) => ({ cases: Object.fromEntries(Object.entries(run.cases).filter(([k]) => k.includes(dtype))) });
    const limit = dtype === 'float64' ? 1e-12 : 1e-5;
    const worst = compareRuns(pick(actual), pick(expected));
    assert.ok(worst.error <= limit, `${label}, ${dtype}: relative difference ${worst.error} > ${limit} at ${worst.where}`);
  }
}

function assertIdenticalRuns(actual, expected, label) {
  assert.equal(actual.cases, expected.cases, `${label}: not bit for bit identical`);
}

const best = rn.kernelInfo().bestIsa;
const ISAS = ['portable', 'avx2', 'avx512'].slice(0, ['portable', 'avx2', 'avx512'].indexOf(best) + 1);
const SPLITS = ['units', 'rows'];
const SETTINGS = [{ RNN_NATIVE_RECURRENT: 'blas' }, ...ISAS.map((isa) => ({ RNN_NATIVE_ISA: isa })), {}, {}, { RNN_NATIVE_ISA: 'sse9' },
  ...SPLITS.map((split) => ({ RNN_NATIVE_SPLIT: split }))];
const [reference, ...children] = await runAll(SETTINGS);
const packedRuns = Object.fromEntries(ISAS.map((isa, i) => [isa, children[i]]));
const [first, second, unknown, ...splitRuns] = children.slice(ISAS.length);

test('RNN_NATIVE_RECURRENT=blas selects the BLAS path, and kernelInfo says so', () => {
  assert.is(reference.kernel.recurrent, 'blas');
  assert.equal(reference.runs.map((r) => r.threads), THREADS);
});

for (const isa of ISAS) {
  test(`the packed kernel (${isa}) equals the BLAS path at 1 and 2 threads, every cell (notebook functions and layers) and dtype, every n_a and m`, () => {
    const packed = packedRuns[isa];
    assert.equal(packed.kernel, { recurrent: 'packed', isa, bestIsa: best, split: 'auto', numThreads: 1 });
    for (const [i, run] of packed.runs.entries()) assertWithin(run, reference.runs[i], `${isa} at ${run.threads} threads`);
    // The same thread count before and after setNumThreads(2) gives the same bits.
    assertIdenticalRuns(packed.runs[2], packed.runs[0], `${isa}: 1 thread, then 2, then 1 again`);
    // The character model samples the same text.
    for (const [key, value] of Object.entries(packed.runs[0].cases)) {
      if ('sample' in value) assert.is(value.sample, reference.runs[0].cases[key].sample, `${isa} ${key}: sample`);
    }
  });
}

test('the default kernel is the best ISA, and two runs of it give the same bits at every thread count', () => {
  assert.is(first.kernel.isa, best);
  assert.is(first.kernel.recurrent, 'packed');
  for (const [i, run] of first.runs.entries()) assertIdenticalRuns(second.runs[i], run, `run ${i} (${run.threads} threads)`);
});

test('an unknown ISA falls back to the best this CPU can run', () => {
  assert.is(unknown.kernel.isa, best);
});

// The children's cases have m = 1 and 9: the automatic choice splits by units there (9 rows are under two register
// tiles), and a forced split by rows gives 2 threads 5 and 4 rows, or rows dealt by length.
test('split by units and split by rows (RNN_NATIVE_SPLIT) equal the BLAS path and give the same bits as each other and as the default', () => {
  const [units, rows] = splitRuns;
  assert.is(units.kernel.split, 'units');
  assert.is(rows.kernel.split, 'rows');
  assert.is(first.kernel.split, 'auto');
  for (const [i, run] of rows.runs.entries()) {
    assertWithin(run, reference.runs[i], `by rows at ${run.threads} threads`);
    assertIdenticalRuns(run, units.runs[i], `by rows against by units at ${run.threads} threads`);
    assertIdenticalRuns(units.runs[i], first.runs[i], `by units against the default at ${run.threads} threads`);
  }
});

test.run();
