// Adaptive timing: medians of repeated runs. One rule for every participant (numpy_peer.py mirrors it):
// - warmup: calls for `warmupMs` (at least one), which also estimate the time of a call;
// - calls shorter than `batchMs` run in batches, so the timer's resolution and overhead do not count;
// - samples are taken until both `minTime` has passed and `minReps` samples exist, or `maxReps` samples exist;
// - a slow call (a first call over `slowMs`) is its own warmup and counts as the first sample;
// - when `minReps` samples would take more than `budget` seconds, fewer are taken (at least one): `capped`.

export const TIMING = {
  full: { processWarmupSeconds: 3, warmupMs: 200, minTime: 0.5, minReps: 3, maxReps: 200, budget: 6, batchMs: 2, slowMs: 1000 },
  quick: { processWarmupSeconds: 0.5, warmupMs: 20, minTime: 0.05, minReps: 3, maxReps: 10, budget: 1.5, batchMs: 1, slowMs: 200 },
};

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Median milliseconds per call of `fn` (sync or async). Returns { ms, reps, calls, capped }. */
export async function measure(fn, timing) {
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

  const samples = estimate > timing.slowMs ? [estimate] : [];
  const affordable = Math.max(1, Math.floor((timing.budget * 1000) / Math.max(estimate * batch, 1e-3)));
  const minReps = Math.min(timing.minReps, affordable);
  t0 = performance.now();
  while (samples.length < timing.maxReps && samples.length < affordable &&
         (samples.length < minReps || performance.now() - t0 < timing.minTime * 1000)) {
    samples.push(await run());
  }
  return { ms: median(samples), reps: samples.length, calls: samples.length * batch, capped: samples.length < timing.minReps };
}
