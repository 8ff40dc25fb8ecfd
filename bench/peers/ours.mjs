// This package, sync at every shape and async (libuv thread pool) at the large shape. Timed: the whole call as a user
// makes it, on notebook-layout inputs (validation, layout conversion, kernels, result allocation).
import * as rnn from 'rnn-native';
import { DIRECTIONS, DTYPES, makeInputs } from '../inputs.mjs';
import { measure } from '../stats.mjs';

const api = {
  lstm: { forward: rnn.lstmForward, backward: rnn.lstmBackward, forwardAsync: rnn.lstmForwardAsync, backwardAsync: rnn.lstmBackwardAsync },
  rnn: { forward: rnn.rnnForward, backward: rnn.rnnBackward, forwardAsync: rnn.rnnForwardAsync, backwardAsync: rnn.rnnBackwardAsync },
};

function calls(cell, { x, a0, da, params }) {
  const f = api[cell];
  return {
    sync: {
      fwd: () => f.forward(x, a0, params),
      'fwd+bwd': () => f.backward(da, f.forward(x, a0, params).caches),
    },
    async: {
      fwd: () => f.forwardAsync(x, a0, params),
      'fwd+bwd': async () => f.backwardAsync(da, (await f.forwardAsync(x, a0, params)).caches),
    },
  };
}

/**
 * A process-wide warm-up before any timing: every shape's forward and backward for a while. For the first second or
 * two, each call's multi-megabyte arrays come from fresh mmaps (page faults on every page) until glibc has seen
 * such blocks freed and raised its mmap threshold; a batch job lives in the state after that, so that is what we
 * time. Peers get their own warm-up in their measurements (ORT and numpy keep their own allocators).
 */
function warmUp(shapes, cells, seconds) {
  const end = performance.now() + seconds * 1000;
  const fns = shapes.flatMap((shape) => cells.flatMap((cell) => DTYPES.map((dtype) => calls(cell, makeInputs(cell, shape, dtype)).sync['fwd+bwd'])));
  while (performance.now() < end) for (const fn of fns) fn();
}

export async function run({ shapes, cells, timing, log }) {
  warmUp(shapes, cells, timing.processWarmupSeconds);
  const results = [];
  for (const shape of shapes) {
    for (const cell of cells) {
      for (const dtype of DTYPES) {
        const fns = calls(cell, makeInputs(cell, shape, dtype));
        const modes = shape === 'large' ? ['sync', 'async'] : ['sync'];
        for (const mode of modes) {
          for (const direction of DIRECTIONS) {
            const participant = mode === 'sync' ? 'ours' : 'ours async';
            const r = await measure(fns[mode][direction], timing);
            results.push({ participant, cell, direction, dtype, shape, ...r });
            log(`${participant} ${cell} ${direction} ${dtype} ${shape}: ${r.ms.toFixed(3)} ms (${r.reps} reps)`);
          }
        }
      }
    }
  }
  const { recurrent, isa, numThreads } = rnn.kernelInfo();
  return { results, notes: [`ours: recurrent kernel ${recurrent} (${isa}), ${numThreads} threads`] };
}
