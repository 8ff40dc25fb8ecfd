// --val-fraction: the lines held out of training, chosen by the seed, and when training measures their loss.
import type { RandomState } from '../random';

export interface Split {
  /** The lines trained on. */
  train: string[];
  /** The held-out lines (none when the fraction or the corpus is too small), in their corpus order. */
  validation: string[];
}

/**
 * Holds out round(fraction × lines) of the lines, drawn by `random` (a partial Fisher–Yates shuffle of the line
 * numbers), always leaving at least one line to train on. Both parts keep the corpus's order.
 */
export function holdOut(lines: readonly string[], fraction: number, random: RandomState): Split {
  const count = Math.min(lines.length - 1, Math.round(fraction * lines.length));
  if (count <= 0) return { train: lines.slice(), validation: [] };
  const order = lines.map((_, i) => i);
  for (let i = 0; i < count; ++i) {
    const j = i + Math.floor(random.random() * (order.length - i));
    [order[i], order[j]] = [order[j] as number, order[i] as number];
  }
  const held = new Set(order.slice(0, count));
  return { train: lines.filter((_, i) => !held.has(i)), validation: lines.filter((_, i) => held.has(i)) };
}

/** How many times a run measures the validation loss (evenly spaced, the last step always among them). */
export const VALIDATION_POINTS = 20;

/** Whether the validation loss is measured after `step` of `total`: every total/VALIDATION_POINTS steps and at the end. */
export function validatesAt(step: number, total: number): boolean {
  const every = Math.max(1, Math.round(total / VALIDATION_POINTS));
  return step % every === 0 || step === total;
}
