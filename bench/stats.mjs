// Adaptive timing: medians of repeated runs. One rule for every participant (numpy_peer.py mirrors it):
// - warmup: calls for `warmupMs` (at least one), which also estimate the time of a call;
// - calls shorter than `batchMs` run in batches, so the timer's resolution and overhead do not count;
// - samples are taken until both `minTime` has passed and `minReps` samples exist, or `maxReps` samples exist;
// - a slow call (a first call over `slowMs`) is its own warmup and counts as the first sample;
// - when `minReps` samples would take more than `budget` seconds, fewer are taken (at least one): `capped`.
// Participants whose ratio is a target are measured side by side (measureSideBySide): the same rule, spread over
// rounds in which they take turns.

export const TIMING = {
  full: { processWarmupSeconds: 3, warmupMs: 200, minTime: 1, minReps: 3, maxReps: 200, budget: 6, batchMs: 2, slowMs: 1000 },
  quick: { processWarmupSeconds: 0.5, warmupMs: 20, minTime: 0.05, minReps: 3, maxReps: 10, budget: 1.5, batchMs: 1, slowMs: 200 },
};

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Median milliseconds per call of `fn` (sync or async). Returns { ms, reps, calls, capped }. */
export async function measure(fn, timing) {
  return (await measureSideBySide({ fn }, timing, 1)).fn;
}

// Warm-up of one participant: { run, estimate, samples } with run() one sample (a batch of calls), estimate the
// milliseconds of one call, and samples the warm-up's own first sample when the call is slow.
async function warmUp(fn, timing) {
  let t0 = performance.now();
  const first = fn();
  const isAsync = first instanceof Promise;
  if (isAsync) await first;
  let warmups = 1;
  while (performance.now() - t0 < timing.warmupMs) {
    await fn();
    warmups++;
  }
  const estimate = (performance.now() - t0) / warmups;
  const batch = Math.max(1, Math.ceil(timing.batchMs / Math.max(estimate, 1e-3)));
  const run = isAsync
    ? async () => { const t = performance.now(); for (let i = 0; i < batch; i++) await fn(); return (performance.now() - t) / batch; }
    : () => { const t = performance.now(); for (let i = 0; i < batch; i++) fn(); return (performance.now() - t) / batch; };
  return { fn, run, estimate, batch, samples: estimate > timing.slowMs ? [estimate] : [] };
}

/**
 * The medians of several participants ({ name: fn }) measured side by side, for their ratios: after each one's
 * warm-up, `rounds` rounds in which each takes a turn (in alternating order), a turn being a brief warm-up again
 * (the other participant's threads may still be spinning) and 1/rounds of what measure() samples (time, samples and
 * budget). A slower or faster spell of the machine then falls on all of them alike, where measuring one after the
 * other put it on one. Returns { name: { ms, reps, calls, capped } }.
 */
export async function measureSideBySide(fns, timing, rounds = 4) {
  const names = Object.keys(fns);
  const state = {};
  for (const name of names) state[name] = await warmUp(fns[name], timing);
  for (let round = 0; round < rounds; round++) {
    for (const name of round % 2 ? [...names].reverse() : names) {
      const p = state[name];
      const turn = p.estimate * p.batch;
      if (rounds > 1 && turn < timing.warmupMs / 4) {
        const w = performance.now();
        while (performance.now() - w < timing.warmupMs / 4) await p.fn();
      }
      const affordable = Math.max(1, Math.floor((timing.budget * 1000) / rounds / Math.max(turn, 1e-3)));
      const minReps = Math.min(Math.ceil(timing.minReps / rounds), affordable);
      const maxReps = Math.ceil(timing.maxReps / rounds);
      const taken = round === 0 ? 0 : p.samples.length;  // a slow call's warm-up sample counts in the first turn
      const t0 = performance.now();
      while (p.samples.length - taken < maxReps && p.samples.length - taken < affordable &&
             (p.samples.length - taken < minReps || performance.now() - t0 < (timing.minTime * 1000) / rounds)) {
        p.samples.push(await p.run());
      }
    }
  }
  return Object.fromEntries(names.map((name) => {
    const { samples, batch } = state[name];
    return [name, { ms: median(samples), reps: samples.length, calls: samples.length * batch, capped: samples.length < timing.minReps }];
  }));
}
