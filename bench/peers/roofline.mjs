// The roofline: the time the matrix products of a pass take on OpenBLAS alone. For each shape and dtype, the GEMMs of
// the scan (native/kernels/scan.cc, with T' = T; each step's recurrent product as one GEMM, as the BLAS reference path
// computes it) are timed one by one with bench/gemm_rate.c on the same system OpenBLAS, multi-threaded on the same
// thread count, and count × best time per call is summed. Their flops (gflop) are what the shares of the FMA peak
// count. Skipped when cc or cblas.h is missing.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DTYPES, SHAPES } from '../inputs.mjs';

const source = fileURLToPath(new URL('../gemm_rate.c', import.meta.url));
const locator = fileURLToPath(new URL('../../scripts/openblas.js', import.meta.url));

// [opA, opB, M, N, K, lda, ldb, ldc, beta, calls, what]; C (M, N) = op(A) (M, K) · op(B) (K, N) + beta · C.
function lstmGemms({ n_x, n_a, m, T }) {
  const G = 4 * n_a, ldw = n_a + n_x, cols = T * m;
  return {
    fwd: [
      ['N', 'T', cols, G, n_x, n_x, ldw, G, 0, 1, 'input projection G = X · W[:, n_a:]ᵀ'],
      ['N', 'T', m, G, n_a, n_a, ldw, G, 1, T, 'recurrent g += a_prev · W[:, :n_a]ᵀ'],
    ],
    bwd: [
      ['N', 'N', m, n_a, G, G, ldw, n_a, 0, T, 'da_prev = dg · W[:, :n_a]'],
      ['T', 'N', G, n_a, cols, G, n_a, ldw, 0, 1, 'dW[:, :n_a] = dGᵀ H'],
      ['T', 'N', G, n_x, cols, G, n_x, ldw, 0, 1, 'dW[:, n_a:] = dGᵀ X'],
      ['N', 'N', cols, n_x, G, G, ldw, n_x, 0, 1, 'dX = dG · W[:, n_a:]'],
    ],
  };
}

function rnnGemms({ n_x, n_a, m, T }) {
  const cols = T * m;
  return {
    fwd: [
      ['N', 'T', cols, n_a, n_x, n_x, n_x, n_a, 0, 1, 'input projection H = X · Waxᵀ'],
      ['N', 'T', m, n_a, n_a, n_a, n_a, n_a, 1, T, 'recurrent h += h_prev · Waaᵀ'],
    ],
    bwd: [
      ['N', 'N', m, n_a, n_a, n_a, n_a, n_a, 0, T, 'da_prev = dz · Waa'],
      ['T', 'N', n_a, n_x, cols, n_a, n_x, n_x, 0, 1, 'dWax = dZᵀ X'],
      ['T', 'N', n_a, n_a, cols, n_a, n_a, n_a, 0, 1, 'dWaa = dZᵀ H'],
      ['N', 'N', cols, n_x, n_a, n_a, n_x, n_x, 0, 1, 'dX = dZ · Wax'],
    ],
  };
}

const specOf = (dtype, g) => [dtype === 'float32' ? 's' : 'd', ...g.slice(0, 9)].join(',');

function compile() {
  const where = (what) => spawnSync(process.execPath, [locator, what], { encoding: 'utf8' });
  const include = where('include');
  const lib = where('lib');
  if (include.status !== 0 || lib.status !== 0) return { error: include.stderr.trim() || lib.stderr.trim() };
  const dir = mkdtempSync(join(tmpdir(), 'rnn-native-bench-'));
  const binary = join(dir, 'gemm_rate');
  const cc = spawnSync('cc', ['-O2', `-I${include.stdout.trim()}`, source, '-o', binary, `-L${lib.stdout.trim()}`,
    `-Wl,-rpath,${lib.stdout.trim()}`, '-lopenblas'], { encoding: 'utf8' });
  if (cc.error || cc.status !== 0) {
    rmSync(dir, { recursive: true, force: true });
    return { error: cc.error ? 'cc not found' : cc.stderr.trim() };
  }
  return { binary, dir };
}

export async function run({ shapes, cells, quick, log }) {
  const built = compile();
  if (built.error) return { skipped: `roofline skipped: ${built.error}` };
  const table = { lstm: lstmGemms, rnn: rnnGemms };
  const plans = [];
  for (const shape of shapes) for (const cell of cells) for (const dtype of DTYPES) {
    const { fwd, bwd } = table[cell](SHAPES[shape]);
    plans.push({ cell, shape, dtype, fwd, bwd });
  }
  const specs = [...new Set(plans.flatMap((p) => [...p.fwd, ...p.bwd].map((g) => specOf(p.dtype, g))))];
  log(`roofline: timing ${specs.length} GEMM shapes`);
  let rates;
  try {
    rates = JSON.parse(execFileSync(built.binary, [quick ? '0.05' : '0.3', ...specs], { encoding: 'utf8', maxBuffer: 16 << 20 }));
  } finally {
    rmSync(built.dir, { recursive: true, force: true });
  }
  const bySpec = new Map(rates.map((r) => [r.spec, r]));
  const total = (dtype, list) => list.reduce((sum, g) => sum + g[9] * bySpec.get(specOf(dtype, g)).ms, 0);
  const flops = (list) => list.reduce((sum, g) => sum + 2 * g[2] * g[3] * g[4] * g[9], 0);
  const results = [];
  const gemms = [];
  for (const { cell, shape, dtype, fwd, bwd } of plans) {
    const fwdMs = total(dtype, fwd);
    results.push({ participant: 'roofline', cell, direction: 'fwd', dtype, shape, ms: fwdMs, gflop: flops(fwd) / 1e9 });
    results.push({ participant: 'roofline', cell, direction: 'fwd+bwd', dtype, shape, ms: fwdMs + total(dtype, bwd), gflop: flops([...fwd, ...bwd]) / 1e9 });
    for (const [direction, list] of [['fwd', fwd], ['bwd', bwd]]) {
      for (const g of list) {
        const { ms, gflops } = bySpec.get(specOf(dtype, g));
        gemms.push({ cell, shape, dtype, direction, what: g[10], spec: specOf(dtype, g), calls: g[9], msPerCall: ms, gflops });
      }
    }
  }
  return { results, gemms, notes: ['roofline: Σ calls × best time of each GEMM the kernels issue, timed alone by bench/gemm_rate.c (same OpenBLAS, same threads)'] };
}
