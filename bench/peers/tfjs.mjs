// TensorFlow.js layers on the WebAssembly backend: tf.layers.lstm / tf.layers.simpleRNN ({ returnSequences: true },
// sigmoid recurrent activation like the notebook, zero initial state), float32. Timed on tfjs's own layout
// x (m, T, n_x): forward = layer.apply + reading the output back; forward+backward = tf.variableGrads of
// sum(output * da) with respect to x and the layer's weights + reading every gradient back.
// With `layers` (issue 10): also the Lstm layer case at the medium shape (bench/inputs.mjs, I = n_x, H = n_a), forward
// + backward as above with our layer benchmark's x and dy (converted to (m, T, ·), not timed): result cell 'Lstm',
// layer: true.
// The measurements run in a child process (peers/tfjs_child.mjs): when the wasm backend aborts, the failed
// measurement is recorded and a new child goes on with the rest.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { DIRECTIONS } from '../inputs.mjs';

const child = fileURLToPath(new URL('tfjs_child.mjs', import.meta.url));

/** Runs `jobs` in one child, showing its progress lines; resolves with its events and, if it died, its error. */
function runChild(jobs, timing) {
  return new Promise((resolve) => {
    const proc = spawn(process.execPath, [child, JSON.stringify({ jobs, timing })], { stdio: ['ignore', 'pipe', 'pipe'] });
    const events = [];
    const errors = [];
    createInterface({ input: proc.stdout }).on('line', (line) => events.push(JSON.parse(line)));
    createInterface({ input: proc.stderr }).on('line', (line) => {
      if (line.startsWith('  tfjs')) console.error(line);
      else if (/Error|Abort/.test(line)) errors.push(line.trim());
    });
    proc.on('close', (code) => {
      const error = errors.find((l) => /Error/.test(l)) ?? errors[0] ?? `exit code ${code}`;
      resolve({ events, failed: code !== 0, error });
    });
  });
}

export async function run({ shapes, cells, layers = false, timing }) {
  let pending = shapes.flatMap((shape) => cells.flatMap((cell) => DIRECTIONS.map((direction) => ({ shape, cell, direction }))));
  if (layers && shapes.includes('medium')) pending.push({ shape: 'medium', cell: 'Lstm', direction: 'fwd+bwd', layer: true });
  if (pending.length === 0) return { results: [], notes: [] };
  const results = [];
  const failures = [];
  let backendNote;
  while (pending.length > 0) {
    const { events, failed, error } = await runChild(pending, timing);
    const started = events.filter((e) => e.start).map((e) => e.start);
    results.push(...events.filter((e) => e.result).map((e) => e.result));
    backendNote = events.find((e) => e.note)?.note ?? backendNote;
    if (!failed) break;
    if (started.length === 0) return { skipped: `tfjs skipped: ${error}` };
    const crashed = started[started.length - 1];
    failures.push(`tfjs ${crashed.cell} ${crashed.direction} ${crashed.shape} failed: ${error}`);
    pending = pending.slice(started.length); // the child runs its jobs in order
  }
  const version = createRequire(import.meta.url)('@tensorflow/tfjs/package.json').version;
  return { version, results, notes: [backendNote, ...failures].filter(Boolean) };
}
