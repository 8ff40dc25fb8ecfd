// The machine's FMA peak (bench/fma_peak.c, compiled with -march=native): GFLOP/s of register-only fused
// multiply-adds on as many threads as the kernels use, float32 and float64. Shares of the peak in the report are
// (GEMM flops of a pass, as the roofline counts them) / (our time) / peak. Skipped when cc is missing.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as rnn from 'rnn-native';

const source = fileURLToPath(new URL('../fma_peak.c', import.meta.url));

export async function run({ quick, log }) {
  const dir = mkdtempSync(join(tmpdir(), 'rnn-native-peak-'));
  try {
    const binary = join(dir, 'fma_peak');
    const cc = spawnSync('cc', ['-O2', '-march=native', source, '-o', binary, '-lpthread'], { encoding: 'utf8' });
    if (cc.error || cc.status !== 0) return { skipped: `FMA peak skipped: ${cc.error ? 'cc not found' : cc.stderr.trim()}` };
    const threads = rnn.getNumThreads();
    const peak = JSON.parse(execFileSync(binary, [quick ? '0.2' : '2', String(threads)], { encoding: 'utf8' }));
    log(`FMA peak on ${threads} threads: ${peak.float32} GFLOP/s float32, ${peak.float64} GFLOP/s float64`);
    return { results: [], peak, notes: [`FMA peak (${threads} threads, register-only loop): ${peak.float32} GFLOP/s float32, ${peak.float64} float64`] };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
