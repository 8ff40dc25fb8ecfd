// Checks every argument before the native call, with the error classes and messages of SPEC §4:
// TypeError for a wrong type, dtype, missing or unknown key, or foreign cache; RangeError for a shape that does
// not fit, naming the argument, the expected shape in symbols and numbers, and the received shape.
import * as os from 'node:os';
import { types } from 'node:util';
import { type Float, type FloatArrayConstructor, type Tensor, shapeText } from './tensor';
import { libraryError } from './errors';

// The typed-array intrinsics, looked up once. A subclass, a Proxy, a swapped prototype or an own `length` or
// `constructor` property cannot fake them, and they run no user code, so what the native code reads is what the
// checks saw (a faked length or dtype would make it read or write past the end of an array).
const TypedArrayPrototype = Object.getPrototypeOf(Uint8Array.prototype) as object;
const intrinsic = (key: PropertyKey) => Object.getOwnPropertyDescriptor(TypedArrayPrototype, key)?.get as (this: unknown) => unknown;
const typedArrayName = intrinsic(Symbol.toStringTag);
const typedArrayLength = intrinsic('length');
// The methods the facade copies and writes with, captured the same way: a patched TypedArray.prototype.set or
// fill runs user code after the last check of a call (and sees the package's private arrays as `this`).
const typedArraySet = Function.prototype.call.bind((TypedArrayPrototype as Float64Array).set) as
  (target: Float, source: Float, offset?: number) => void;
const typedArrayFill = Function.prototype.call.bind((TypedArrayPrototype as Float64Array).fill) as
  (target: Float, value: number, start?: number, end?: number) => Float;

/** `Float64Array`, `Int32Array`, … for a genuine typed array (whatever its prototype says), else undefined. */
export function typedArrayKind(value: unknown): string | undefined {
  return typedArrayName.call(value) as string | undefined;
}

/** The number of values a genuine typed array holds now: 0 once its buffer is detached or shrunk below it. */
export function lengthOf(data: Float | Int32Array): number {
  return typedArrayLength.call(data) as number;
}

/** `target.set(source, offset)` with the intrinsic method: no user code runs. */
export function setValues(target: Float, source: Float, offset = 0): void {
  typedArraySet(target, source, offset);
}

/** `target.fill(value, start, end)` with the intrinsic method: no user code runs. */
export function fillValues(target: Float, value: number, start?: number, end?: number): void {
  typedArrayFill(target, value, start, end);
}

/** The product of a shape's dimensions. */
export function sizeOf(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** A fresh copy of a checked float array, made from its intrinsic contents (no species constructor, no user code). */
export function copyOf<F extends Float>(data: F): F {
  return (typedArrayKind(data) === 'Float32Array' ? new Float32Array(data) : new Float64Array(data)) as F;
}

/** Short description of a value for error messages: `undefined`, `null`, `a number`, `Int32Array`, `an object`. */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (types.isProxy(value)) return 'a Proxy';
  if (Array.isArray(value)) return 'an array';
  if (ArrayBuffer.isView(value)) return typedArrayKind(value) ?? 'DataView';
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
  const kind = typedArrayKind(value);
  return kind === 'Float64Array' || kind === 'Float32Array';
}

/** A checked copy of a shape, each dimension read once (so getters cannot change it after the check). */
function checkShape(shape: unknown, name: string): number[] {
  const rank = Array.isArray(shape) ? shape.length : 0;
  if (!Array.isArray(shape) || rank === 0) {
    const got = Array.isArray(shape) ? 'an empty array' : describe(shape);
    throw libraryError(TypeError, 'ERR_RNN_TYPE', `${name}.shape must be a non-empty array of dimensions, got ${got}`);
  }
  const dims: unknown[] = [];
  for (let i = 0; i < rank; ++i) dims.push(shape[i]);
  let size = 1;
  for (const d of dims) {
    if (typeof d !== 'number') throw libraryError(TypeError, 'ERR_RNN_TYPE', `${name}.shape must hold numbers, got ${describe(d)}`);
    if (!Number.isSafeInteger(d) || d < 1) {
      throw libraryError(RangeError, 'ERR_RNN_SHAPE', `${name}.shape must hold positive integers, got ${shapeText(dims as number[])}`);
    }
    size *= d;
  }
  if (!Number.isSafeInteger(size)) throw libraryError(RangeError, 'ERR_RNN_TOO_LARGE', `${name}.shape ${shapeText(dims as number[])} has too many elements`);
  return dims as number[];
}

/** Shape and values of a rectangular nested array, checked level by level. */
function nestedShape(value: unknown[], name: string): number[] {
  const shape: number[] = [];
  let level: unknown = value;
  while (Array.isArray(level)) {
    if (level.length === 0) throw libraryError(RangeError, 'ERR_RNN_SHAPE', `${name} has an empty array at depth ${shape.length}`);
    shape.push(level.length);
    level = level[0];
  }
  if (shape.length > 3) {
    throw libraryError(TypeError, 'ERR_RNN_SHAPE', `${name} must be a nested array of rank 1 to 3 (number[], number[][] or number[][][]), got rank ${shape.length}`);
  }
  return shape;
}

function flatten(value: unknown[], name: string, shape: number[], dtype: FloatArrayConstructor): Float64Array | Float32Array {
  const data = new dtype(shape.reduce((a, b) => a * b, 1));
  let offset = 0;
  const walk = (node: unknown, axis: number, where: string): void => {
    if (axis === shape.length) {
      if (typeof node !== 'number') throw libraryError(TypeError, 'ERR_RNN_TYPE', `${name}${where} must be a number, got ${describe(node)}`);
      data[offset++] = node;
      return;
    }
    if (!Array.isArray(node) || node.length !== shape[axis]) {
      throw libraryError(TypeError, 'ERR_RNN_SHAPE', 
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
    throw libraryError(TypeError, 'ERR_RNN_TYPE', `${name} must be a Tensor { data, shape } or a nested number array, got ${describe(value)}`);
  }
  const { data, shape } = value as { data: unknown; shape: unknown };
  if (!isFloatArray(data)) {
    throw libraryError(TypeError, 'ERR_RNN_DTYPE', `${name}.data must be a Float64Array or Float32Array, got ${describe(data)}`);
  }
  const dims = checkShape(shape, name);
  const size = sizeOf(dims);
  const length = lengthOf(data);
  if (length !== size) {
    const why = length === 0 ? ' (its ArrayBuffer is empty or detached)' : '';
    throw libraryError(RangeError, 'ERR_RNN_SHAPE', `${name}.data has ${length} values but its shape ${shapeText(dims)} needs ${size}${why}`);
  }
  return { data, shape: dims };
}

/**
 * The last check before a native call, after the last user code of the call (getters, Proxy traps) has run: every
 * caller array still holds the values its shape needs. A getter run while a later argument was read may have
 * detached or shrunk the buffer of an array checked earlier; the native code must never read such an array.
 */
export function checkIntact(tensors: Record<string, Tensor | undefined>): void {
  for (const name in tensors) {
    const tensor = tensors[name];
    if (tensor === undefined) continue;
    let size = 1;
    for (const d of tensor.shape) size *= d;
    const length = lengthOf(tensor.data);
    if (length !== size) {
      throw libraryError(RangeError, 'ERR_RNN_DETACHED', `${name}.data has ${length} values but its shape ${shapeText(tensor.shape)} needs ${size}: ` +
        'its ArrayBuffer was detached or resized while the call read its other arguments');
    }
  }
}

/**
 * The dtype of a call: that of the first parameter (in `order`) given as a Float32Array or Float64Array tensor, which
 * is named in dtype errors; Float64Array, set by `order[0]`, when every parameter is a nested array.
 */
export function callDtype(params: Record<string, unknown>, order: readonly string[]): { dtype: FloatArrayConstructor; setBy: string } {
  for (const name of order) {
    const value = params[name];
    const data = typeof value === 'object' && value !== null ? (value as { data?: unknown }).data : undefined;
    const kind = typedArrayKind(data);
    if (kind === 'Float32Array') return { dtype: Float32Array, setBy: name };
    if (kind === 'Float64Array') return { dtype: Float64Array, setBy: name };
  }
  return { dtype: Float64Array, setBy: order[0] ?? 'the parameters' };
}

/** TypeError unless `tensor` has the call's dtype, naming the argument and the parameter that set the dtype. */
export function checkDtype(tensor: Tensor, name: string, dtype: FloatArrayConstructor, setBy: string): void {
  const kind = typedArrayKind(tensor.data);
  if (kind !== dtype.name) {
    throw libraryError(TypeError, 'ERR_RNN_DTYPE', 
      `${name} is a ${kind}, but ${setBy} set this call's dtype to ${dtype.name}: ` +
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
  throw libraryError(RangeError, 'ERR_RNN_SHAPE', `${name} must have shape (${symbols})${numbers}, got ${shapeText(got)}${origin ? ` (${origin})` : ''}`);
}

/** The parameter object of one layer, checked for type, unknown keys (usually typos) and missing keys. */
export function checkParams(
  params: unknown,
  family: string,
  required: readonly string[],
  optionalPair: readonly [string, string],
): Record<string, unknown> {
  if (typeof params !== 'object' || params === null || Array.isArray(params) || ArrayBuffer.isView(params)) {
    throw libraryError(TypeError, 'ERR_RNN_TYPE', `params must be an object of ${family} parameters, got ${describe(params)}`);
  }
  const record = params as Record<string, unknown>;
  for (const key in record) {
    if (!Object.hasOwn(record, key)) continue;
    if (!required.includes(key) && !optionalPair.includes(key)) {
      const allowed = [...required, ...optionalPair];
      throw libraryError(TypeError, 'ERR_RNN_KEY', `params has an unknown key '${key}': ${family} parameters are ${allowed.join(', ')}`);
    }
  }
  for (const key of required) {
    if (record[key] === undefined) {
      throw libraryError(TypeError, 'ERR_RNN_KEY', `params.${key} is missing: ${family} parameters need ${required.join(', ')}`);
    }
  }
  const [weight, bias] = optionalPair;
  if ((record[weight] === undefined) !== (record[bias] === undefined)) {
    const missing = record[weight] === undefined ? weight : bias;
    throw libraryError(TypeError, 'ERR_RNN_KEY', `params.${missing} is missing: ${weight} and ${bias} go together (both for predictions, or neither)`);
  }
  return record;
}

/** An options object: undefined, or an object with only the allowed keys. */
export function checkOptions(options: unknown, name: string, allowed: readonly string[]): Record<string, unknown> {
  if (options === undefined) return {};
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw libraryError(TypeError, 'ERR_RNN_TYPE', `${name} must be an object or undefined, got ${describe(options)}`);
  }
  for (const key of Object.keys(options)) {
    if (!allowed.includes(key)) throw libraryError(TypeError, 'ERR_RNN_KEY', `${name} has an unknown key '${key}': allowed are ${allowed.join(', ')}`);
  }
  return options as Record<string, unknown>;
}

let memoryLimitBytes: number | undefined;

/** The memory this process may use: the machine's, or its cgroup's limit when that is lower. Read once (it reads files). */
function memoryLimit(): number {
  if (memoryLimitBytes === undefined) {
    const constrained = (process as { constrainedMemory?: () => number | undefined }).constrainedMemory?.() ?? 0;
    memoryLimitBytes = constrained > 0 ? Math.min(constrained, os.totalmem()) : os.totalmem();
  }
  return memoryLimitBytes;
}

const gib = (bytes: number) => `${(bytes / 2 ** 30).toFixed(1)} GiB`;

/**
 * RangeError, before anything is allocated, when the arrays of a call (`elements` values of `bytesPerElement` bytes:
 * results, caches, copies and native workspace) need more memory than the machine has: otherwise the allocation
 * fails with an obscure message or, worse, succeeds on lent pages and the system kills the process once the kernel
 * touches them. `sizes` names the sizes of the call for the message.
 */
export function checkMemory(
  elements: number,
  bytesPerElement: number,
  sizes: Record<string, number>,
  what = 'this call needs {} for its results, caches and workspace',
): void {
  const bytes = elements * bytesPerElement;
  const limit = memoryLimit();
  if (bytes > limit) {
    const named = Object.entries(sizes).filter(([, v]) => v > 0).map(([k, v]) => `${k} = ${v}`).join(', ');
    throw libraryError(RangeError, 'ERR_RNN_TOO_LARGE', `not enough memory: ${what.replace('{}', gib(bytes))} ` +
      `(${named}), more than the ${gib(limit)} of memory of this machine`);
  }
}

/** A number option or size that must be a positive integer: TypeError for another type, RangeError for the value. */
export function positiveInteger(value: unknown, name: string): number {
  if (typeof value !== 'number') throw libraryError(TypeError, 'ERR_RNN_TYPE', `${name} must be a number, got ${describe(value)}`);
  if (!Number.isSafeInteger(value) || value < 1) throw libraryError(RangeError, 'ERR_RNN_VALUE', `${name} must be a positive integer, got ${value}`);
  return value;
}

/** A number option that must be finite and above 0 (or, with `zero`, 0 too): TypeError for another type, RangeError for the value. */
export function positiveNumber(value: unknown, name: string, { zero = false } = {}): number {
  if (typeof value !== 'number') throw libraryError(TypeError, 'ERR_RNN_TYPE', `${name} must be a number, got ${describe(value)}`);
  if (!(zero ? value >= 0 : value > 0) || !Number.isFinite(value)) {
    throw libraryError(RangeError, 'ERR_RNN_VALUE', `${name} must be a finite number ${zero ? '≥' : '>'} 0, got ${value}`);
  }
  return value;
}

const BLAS_INDEX_LIMIT = 2 ** 31 - 1;

/** RangeError when a size exceeds what one BLAS call can index (32-bit integers), before anything is allocated. */
export function checkIndexable(what: string, value: number): void {
  if (value > BLAS_INDEX_LIMIT) {
    throw libraryError(RangeError, 'ERR_RNN_TOO_LARGE', `sizes too large: ${what} = ${value} exceeds ${BLAS_INDEX_LIMIT}, the largest size one BLAS call can index`);
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
