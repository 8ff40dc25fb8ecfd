// The options that say how a batch of sequences is laid out and how long each sequence is (LAYERS.md §1–§2), checked
// once for every call that takes them: which axis is time, and the lengths that mask the steps past each end.
import { describe, lengthOf, throwShape, typedArrayKind } from './validate';
import { libraryError } from './errors';

/** `'time-major'`: `(T, m, …)`, time first (PyTorch's default, ONNX `layout = 0`); `'batch-major'`: `(m, T, …)`. */
export type Layout = 'time-major' | 'batch-major';

/** Per-sequence lengths: `m` integers in `[0, T]`. */
export type Lengths = Int32Array | readonly number[];

/**
 * The layout option `name`: `'time-major'` when absent; RangeError for another string, TypeError for anything else
 * (as every option that names one of a few choices).
 */
export function sequenceLayout(value: unknown, name: string): Layout {
  if (value === undefined || value === 'time-major') return 'time-major';
  if (value === 'batch-major') return 'batch-major';
  const message = `${name} must be 'time-major' or 'batch-major', got ${typeof value === 'string' ? `'${value}'` : describe(value)}`;
  throw typeof value === 'string' ? libraryError(RangeError, 'ERR_RNN_VALUE', message) : libraryError(TypeError, 'ERR_RNN_TYPE', message);
}

/**
 * The lengths option as a private Int32Array: an Int32Array or number[] of `m` integers in `[0, T]`, each read once.
 * `origin` says where m and T come from, for the messages.
 */
export function sequenceLengths(value: unknown, m: number, T: number, origin: string): Int32Array {
  const kind = typedArrayKind(value);
  if (kind !== 'Int32Array' && !Array.isArray(value)) {
    const code = kind === undefined ? 'ERR_RNN_TYPE' : 'ERR_RNN_DTYPE';
    throw libraryError(TypeError, code, `lengths must be an Int32Array or number[] of m = ${m} integers, got ${describe(value)}`);
  }
  // Each value is read once into the private copy, so what the kernels see is what was checked.
  const source = value as ArrayLike<unknown>;
  const count = kind === 'Int32Array' ? lengthOf(value as Int32Array) : source.length;
  if (count !== m) throwShape('lengths', 'm', [m], [count], origin);
  const lengths = new Int32Array(m);
  for (let b = 0; b < m; ++b) {
    const length = source[b];
    if (typeof length !== 'number') throw libraryError(TypeError, 'ERR_RNN_TYPE', `lengths[${b}] must be a number, got ${describe(length)}`);
    if (!Number.isInteger(length) || length < 0 || length > T) {
      throw libraryError(RangeError, 'ERR_RNN_VALUE', `lengths[${b}] must be an integer in [0, T] = [0, ${T}], got ${length}`);
    }
    lengths[b] = length;
  }
  return lengths;
}
