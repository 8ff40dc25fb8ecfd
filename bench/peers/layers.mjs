// This package's recurrent layers (issue 10): Lstm / Gru float32, time-major, called as a user calls them.
// Timed, each a whole call with x a Float32Array tensor (T, m, I) (validation, kernels, result allocation):
// - forward, `tape: false`, for every case of LAYER_CASES (bench/inputs.mjs) at its shapes;
// - variable lengths: a batch of m = 256 sequences (VARLEN), forward with `lengths`, and the same x padded to
//   T = 40 without lengths, side by side (stats.mjs measureSideBySide);
// - Lstm forward with `tape: true` then `backward(tape, { dy })` at the medium shape.
// Results { participant: 'ours', cell: case, direction, dtype: 'float32', shape, layer: true, ms, ... }, shape
// 'varlen' for the variable-length batch, cells 'Lstm lengths' and 'Lstm padded'.
import * as rnn from 'rnn-native';
import { LAYER_CASES, makeLayer, makeLayerInputs } from '../inputs.mjs';
import { measure, measureSideBySide } from '../stats.mjs';

/** [{ cell, direction, shape, fn }] for the shapes of the run. */
function jobs(shapes) {
  const out = [];
  for (const [name, spec] of Object.entries(LAYER_CASES)) {
    for (const shape of spec.shapes.filter((s) => shapes.includes(s))) {
      const layer = makeLayer(rnn, name, shape);
      const { x } = makeLayerInputs(name, shape);
      out.push({ cell: name, direction: 'fwd', shape, fn: () => layer.forward(x, { tape: false }) });
    }
  }
  {
    // Their ratio is a target: measured side by side.
    const layer = makeLayer(rnn, 'Lstm', 'varlen');
    const { x, lengths } = makeLayerInputs('Lstm', 'varlen');
    out.push({ direction: 'fwd', shape: 'varlen', sideBySide: {
      'Lstm lengths': () => layer.forward(x, { lengths, tape: false }),
      'Lstm padded': () => layer.forward(x, { tape: false }),
    } });
  }
  if (shapes.includes('medium')) {
    const layer = makeLayer(rnn, 'Lstm', 'medium');
    const { x, dy } = makeLayerInputs('Lstm', 'medium');
    out.push({
      cell: 'Lstm', direction: 'fwd+bwd', shape: 'medium',
      fn: () => layer.backward(layer.forward(x, { tape: true }).tape, { dy }),
    });
  }
  return out;
}

export async function run({ shapes, timing, log }) {
  const all = jobs(shapes);
  // The process-wide warm-up of peers/ours.mjs, for the layers (the run may be --only=layers): glibc's mmap threshold.
  const end = performance.now() + timing.processWarmupSeconds * 1000;
  const fns = all.flatMap(({ fn, sideBySide }) => (fn ? [fn] : Object.values(sideBySide)));
  while (performance.now() < end) for (const fn of fns) fn();
  const results = [];
  for (const { cell, direction, shape, fn, sideBySide } of all) {
    const measured = sideBySide ? await measureSideBySide(sideBySide, timing) : { [cell]: await measure(fn, timing) };
    for (const [name, r] of Object.entries(measured)) {
      results.push({ participant: 'ours', cell: name, direction, dtype: 'float32', shape, layer: true, ...r });
      log(`ours ${name} ${direction} float32 ${shape}: ${r.ms.toFixed(3)} ms (${r.reps} reps)`);
    }
  }
  const { lengths } = makeLayerInputs('Lstm', 'varlen');
  const mean = lengths.reduce((a, b) => a + b, 0) / lengths.length;
  return {
    results,
    notes: [`ours layers: float32 time-major, x a Float32Array tensor, whole call timed; varlen batch: mean length ${mean.toFixed(1)} of T = 40 ` +
      `(padded work share ${(mean / 40).toFixed(3)})`],
  };
}
