// numpy running the notebook's per-step loops (bench/numpy_peer.py), float64 and float32, timed inside Python with
// time.perf_counter on notebook-layout inputs. Skipped, with the reason, when python3 or numpy is missing.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { DTYPES, SHAPES } from '../inputs.mjs';

const script = fileURLToPath(new URL('../numpy_peer.py', import.meta.url));

export async function run({ shapes, cells, timing }) {
  const probe = spawnSync('python3', ['-c', 'import numpy'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) {
    return { skipped: `numpy skipped: ${probe.error ? 'python3 not found' : probe.stderr.trim().split('\n').pop()}` };
  }
  const request = { shapes: Object.fromEntries(shapes.map((s) => [s, SHAPES[s]])), cells, dtypes: DTYPES, timing };
  const child = spawnSync('python3', [script], {
    input: JSON.stringify(request), encoding: 'utf8', stdio: ['pipe', 'pipe', 'inherit'], maxBuffer: 64 << 20,
  });
  if (child.status !== 0) return { skipped: `numpy peer failed (exit ${child.status})` };
  const { numpy, results } = JSON.parse(child.stdout);
  return { version: numpy, results: results.map((r) => ({ participant: 'numpy', ...r })), notes: [] };
}
