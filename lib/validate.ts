// Checks every argument before the native call, with the error classes and messages of SPEC §4:
// TypeError for a wrong type, dtype, missing or unknown key, or foreign cache; RangeError for a shape that does
// not fit, naming the argument, the expected shape in symbols and numbers, and the received shape.
import { type FloatArrayConstructor, type Tensor, shapeText } from './tensor';

/** Short description of a value for error messages: `undefined`, `null`, `a number`, `Int32Array`, `an object`. */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (ArrayBuffer.isView(value)) return value.constructor.name;
  switch (typeof value) {
    case 'undefined':
      return 'undefined';
    case 'object':
      return value.constructor?.name && value.constructor !== Object ? `a ${value.constructor.name}` : 'an object';
    default:
      return `a ${typeof value}`;
  }
}

function isFloatArray(value: unknown): value is Float64Array | Float32Array {
  return value instanceof Float64Array || value instanceof Float32Array;
}

function checkShape(shape: unknown, name: string): number[] {
  if (!Array.isArray(shape) || shape.length === 0) {
    const got = Array.isArray(shape) ? 'an empty array' : describe(shape);
    throw new TypeError(`${name}.shape must be a non-empty array of dimensions, got ${got}`);
  }
  let size = 1;
  for (const d of shape) {
    if (typeof d !== 'number') throw new TypeError(`${name}.shape must hold numbers, got ${describe(d)}`);
    if (!Number.isSafeInteger(d) || d < 1) {
      throw new RangeError(`${name}.shape must hold positive integers, got ${shapeText(shape)}`);
    }
    size *= d;
  }
  if (!Number.isSafeInteger(size)) throw new RangeError(`${name}.shape ${shapeText(shape)} has too many elements`);
  return shape as number[];
}

/** Shape and values of a rectangular nested array, checked level by level. */
function nestedShape(value: unknown[], name: string): number[] {
  const shape: number[] = [];
  let level: unknown = value;
  while (Array.isArray(level)) {
    if (level.length === 0) throw new RangeError(`${name} has an empty array at depth ${shape.length}`);
    shape.push(level.length);
    level = level[0];
  }
  if (shape.length > 3) {
    throw new TypeError(`${name} must be a nested array of rank 1 to 3 (number[], number[][] or number[][][]), got rank ${shape.length}`);
  }
  return shape;
}

function flatten(value: unknown[], name: string, shape: number[], dtype: FloatArrayConstructor): Float64Array | Float32Array {
  const data = new dtype(shape.reduce((a, b) => a * b, 1));
  let offset = 0;
  const walk = (node: unknown, axis: number, where: string): void => {
    if (axis === shape.length) {
      if (typeof node !== 'number') throw new TypeError(`${name}${where} must be a number, got ${describe(node)}`);
      data[offset++] = node;
      return;
    }
    if (!Array.isArray(node) || node.length !== shape[axis]) {
      throw new TypeError(
        `${name} must be a rectangular nested array of shape ${shapeText(shape)}; ${name}${where} is ` +
          (Array.isArray(node) ? `of length ${node.length}` : describe(node)),
      );
    }
    for (let i = 0; i < node.length; ++i) walk(node[i], axis + 1, `${where}[${i}]`);
  };
  walk(value, 0, '');
  return data;
}

/**
 * Converts a TensorLike argument into a Tensor: a `{ data, shape }` with a Float64Array or Float32Array is taken as
 * it is (no copy); a nested number array is copied into `nestedDtype`.
 */
export function toTensor(value: unknown, name: string, nestedDtype: FloatArrayConstructor): Tensor {
  if (Array.isArray(value)) {
    const shape = nestedShape(value, name);
    return { data: flatten(value, name, shape, nestedDtype), shape };
  }
  if (typeof value !== 'object' || value === null || !('data' in value) || !('shape' in value)) {
    throw new TypeError(`${name} must be a Tensor { data, shape } or a nested number array, got ${describe(value)}`);
  }
  const { data, shape } = value as { data: unknown; shape: unknown };
  if (!isFloatArray(data)) {
    throw new TypeError(`${name}.data must be a Float64Array or Float32Array, got ${describe(data)}`);
  }
  const dims = checkShape(shape, name);
  const size = dims.reduce((a, b) => a * b, 1);
  if (data.length !== size) {
    const why = data.buffer.byteLength === 0 ? ' (its ArrayBuffer is empty or detached)' : '';
    throw new RangeError(`${name}.data has ${data.length} values but its shape ${shapeText(dims)} needs ${size}${why}`);
  }
  return { data, shape: dims.slice() };
}

/**
 * The dtype of a call: that of the first parameter (in `order`) given as a Float32Array or Float64Array tensor, which
 * is named in dtype errors; Float64Array, set by `order[0]`, when every parameter is a nested array.
 */
export function callDtype(params: Record<string, unknown>, order: readonly string[]): { dtype: FloatArrayConstructor; setBy: string } {
  for (const name of order) {
    const value = params[name];
    const data = typeof value === 'object' && value !== null ? (value as { data?: unknown }).data : undefined;
    if (data instanceof Float32Array) return { dtype: Float32Array, setBy: name };
    if (data instanceof Float64Array) return { dtype: Float64Array, setBy: name };
  }
  return { dtype: Float64Array, setBy: order[0] ?? 'the parameters' };
}

/** TypeError unless `tensor` has the call's dtype, naming the argument and the parameter that set the dtype. */
export function checkDtype(tensor: Tensor, name: string, dtype: FloatArrayConstructor, setBy: string): void {
  if (!(tensor.data instanceof dtype)) {
    throw new TypeError(
      `${name} is a ${tensor.data.constructor.name}, but ${setBy} set this call's dtype to ${dtype.name}: ` +
        'all float arrays of one call must share one dtype',
    );
  }
}

/**
 * RangeError unless `tensor.shape` equals `expected`, where a string entry stands for a size the argument itself
 * defines (any positive integer). `symbols` names the sizes, `origin` says which argument set them.
 */
export function checkShapeIs(
  tensor: Tensor,
  name: string,
  symbols: string,
  expected: readonly (number | string)[],
  origin: string,
): void {
  const { shape } = tensor;
  let fits = shape.length === expected.length;
  for (let i = 0; fits && i < expected.length; ++i) {
    const want = expected[i];
    if (typeof want === 'number' && shape[i] !== want) fits = false;
  }
  if (!fits) throwShape(name, symbols, expected, shape, origin);
}

export function throwShape(
  name: string,
  symbols: string,
  expected: readonly (number | string)[],
  got: readonly number[],
  origin: string,
): never {
  const numbers = expected.some((size) => typeof size === 'number') ? ` = ${shapeText(expected)}` : '';
  throw new RangeError(`${name} must have shape (${symbols})${numbers}, got ${shapeText(got)}${origin ? ` (${origin})` : ''}`);
}

/** The parameter object of one layer, checked for type, unknown keys (usually typos) and missing keys. */
export function checkParams(
  params: unknown,
  family: string,
  required: readonly string[],
  optionalPair: readonly [string, string],
): Record<string, unknown> {
  if (typeof params !== 'object' || params === null || Array.isArray(params) || ArrayBuffer.isView(params)) {
    throw new TypeError(`params must be an object of ${family} parameters, got ${describe(params)}`);
  }
  const record = params as Record<string, unknown>;
  const allowed = [...required, ...optionalPair];
  for (const key of Object.keys(record)) {
    if (!allowed.includes(key)) {
      throw new TypeError(`params has an unknown key '${key}': ${family} parameters are ${allowed.join(', ')}`);
    }
  }
  for (const key of required) {
    if (record[key] === undefined) {
      throw new TypeError(`params.${key} is missing: ${family} parameters need ${required.join(', ')}`);
    }
  }
  const [weight, bias] = optionalPair;
  if ((record[weight] === undefined) !== (record[bias] === undefined)) {
    const missing = record[weight] === undefined ? weight : bias;
    throw new TypeError(`params.${missing} is missing: ${weight} and ${bias} go together (both for predictions, or neither)`);
  }
  return record;
}

/** An options object: undefined, or an object with only the allowed keys. */
export function checkOptions(options: unknown, name: string, allowed: readonly string[]): Record<string, unknown> {
  if (options === undefined) return {};
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new TypeError(`${name} must be an object or undefined, got ${describe(options)}`);
  }
  for (const key of Object.keys(options)) {
    if (!allowed.includes(key)) throw new TypeError(`${name} has an unknown key '${key}': allowed are ${allowed.join(', ')}`);
  }
  return options as Record<string, unknown>;
}

const BLAS_INDEX_LIMIT = 2 ** 31 - 1;

/** RangeError when a size exceeds what one BLAS call can index (32-bit integers), before anything is allocated. */
export function checkIndexable(what: string, value: number): void {
  if (value > BLAS_INDEX_LIMIT) {
    throw new RangeError(`sizes too large: ${what} = ${value} exceeds ${BLAS_INDEX_LIMIT}, the largest size one BLAS call can index`);
  }
}

/**
 * One tensor argument, checked completely: converted (nested arrays into `dtype`), of the call's dtype (set by
 * `setBy`), and of the expected shape.
 */
export function tensorArgument(
  value: unknown,
  name: string,
  dtype: FloatArrayConstructor,
  setBy: string,
  symbols: string,
  expected: readonly (number | string)[],
  origin: string,
): Tensor {
  const tensor = toTensor(value, name, dtype);
  checkDtype(tensor, name, dtype, setBy);
  checkShapeIs(tensor, name, symbols, expected, origin);
  return tensor;
}

/**
 * The upstream gradient `da` of a sequence backward pass: (n_a, m, T') with 1 ≤ T' ≤ T, in the caches' dtype.
 * Returns it with T'.
 */
export function upstreamGradient(
  da: unknown,
  state: { dtype: FloatArrayConstructor; n_a: number; m: number; T: number },
): { upstream: Tensor; Tb: number } {
  const symbols = "n_a, m, T'";
  const expected = [state.n_a, state.m, `T' ≤ ${state.T}`];
  const origin = 'n_a, m and T come from the caches';
  const upstream = tensorArgument(da, 'da', state.dtype, 'the caches', symbols, expected, origin);
  const Tb = upstream.shape[2] as number;
  if (Tb > state.T) throwShape('da', symbols, expected, upstream.shape, origin);
  return { upstream, Tb };
}
