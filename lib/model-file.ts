// The character model's files, validated on load.
//
// Version 2 (what save writes): safetensors (formats/safetensors.ts), the parameters as F32 or F64 tensors under
// their names, and `__metadata__` { "format": "rnn-native/char-model", "version": "2", "cell": "lstm" | "rnn",
// "hiddenSize": "<n_a>", "dtype": "float64" | "float32", "alphabet": "<V characters, '\n' among them>" }.
//
// Version 1 (still read, and the form of toJSON/fromJSON): JSON with named, shaped parameter arrays,
//   { "format": "rnn-native/char-model", "version": 1, "cell", "hiddenSize", "dtype", "alphabet",
//     "parameters": { "<name>": { "shape": [rows, columns], "data": [row-major numbers] }, ... } }
//
// Parameters, in this order: LSTM W (4 n_a, n_a + V) = [Wf; Wi; Wc; Wo] acting on [a_prev; x], b (4 n_a, 1),
// Wy (V, n_a), by (V, 1); RNN Wax (n_a, V), Waa (n_a, n_a), ba (n_a, 1), Wy (V, n_a), by (V, 1).
import type { Dtype } from './init';
import type { Float, Tensor } from './tensor';
import { libraryError } from './errors';
import { encodeSafetensors, floatValues, readSafetensors } from './formats/safetensors';
import { decodeUtf8 } from './text-file';

export const MODEL_FORMAT = 'rnn-native/char-model';
/** The version save writes. */
export const MODEL_VERSION = 2;
/** The JSON version, still read. */
const JSON_VERSION = 1;

export interface ModelFields {
  cell: 'lstm' | 'rnn';
  hiddenSize: number;
  dtype: Dtype;
  alphabet: string;
  parameters: Float;
}

/** The parameters' names and shapes in file (and flat-vector) order. */
export function parameterShapes(cell: 'lstm' | 'rnn', n_a: number, V: number): [string, [number, number]][] {
  const cellShapes: [string, [number, number]][] =
    cell === 'lstm'
      ? [['W', [4 * n_a, n_a + V]], ['b', [4 * n_a, 1]]]
      : [['Wax', [n_a, V]], ['Waa', [n_a, n_a]], ['ba', [n_a, 1]]];
  return [...cellShapes, ['Wy', [V, n_a]], ['by', [V, 1]]];
}

/** The parameters of a model as named tensors: views of its flat vector, in file order. */
function namedParameters(model: ModelFields): [string, Tensor][] {
  let offset = 0;
  return parameterShapes(model.cell, model.hiddenSize, [...model.alphabet].length).map(([name, shape]) => {
    const size = shape[0] * shape[1];
    const data = model.parameters.subarray(offset, offset + size);
    offset += size;
    return [name, { data, shape }];
  });
}

/** The version 2 file of a model: safetensors bytes. */
export function encodeModelFile(model: ModelFields): Uint8Array {
  const { cell, hiddenSize, dtype, alphabet } = model;
  const metadata = { format: MODEL_FORMAT, version: String(MODEL_VERSION), cell, hiddenSize: String(hiddenSize), dtype, alphabet };
  return encodeSafetensors(Object.fromEntries(namedParameters(model)), metadata);
}

/** The version 1 JSON of a model. */
export function encodeModelJSON(model: ModelFields): string {
  const parameters = Object.fromEntries(namedParameters(model).map(([name, t]) => [name, { shape: t.shape, data: Array.from(t.data) }]));
  const { cell, hiddenSize, dtype, alphabet } = model;
  return JSON.stringify({ format: MODEL_FORMAT, version: JSON_VERSION, cell, hiddenSize, dtype, alphabet, parameters });
}

function field<T>(record: Record<string, unknown>, key: string, check: (value: unknown) => value is T, expected: string): T {
  const value = record[key];
  if (!check(value)) throw new Error(`"${key}" must be ${expected}, got ${JSON.stringify(value)?.slice(0, 40)}`);
  return value;
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const isCell = (value: unknown): value is 'lstm' | 'rnn' => value === 'lstm' || value === 'rnn';
const isDtype = (value: unknown): value is Dtype => value === 'float64' || value === 'float32';
const isString = (value: unknown): value is string => typeof value === 'string';
const isSize = (value: unknown): value is number => Number.isSafeInteger(value) && (value as number) >= 1 && (value as number) <= 65536;

/** The fields every version has, read from `root` (the JSON, or the safetensors metadata with numbers parsed). */
function headerFields(root: Record<string, unknown>): Omit<ModelFields, 'parameters'> {
  const cell = field(root, 'cell', isCell, '"lstm" or "rnn"');
  const hiddenSize = field(root, 'hiddenSize', isSize, 'an integer in [1, 65536]');
  const dtype = field(root, 'dtype', isDtype, '"float64" or "float32"');
  const alphabet = field(root, 'alphabet', isString, 'a string');
  const characters = [...alphabet];
  if (new Set(characters).size !== characters.length || !characters.includes('\n') || characters.length < 2) {
    throw new Error('"alphabet" must list at least 2 distinct characters, "\\n" among them');
  }
  return { cell, hiddenSize, dtype, alphabet };
}

function decodeJSONFields(text: string): ModelFields {
  let root: unknown;
  try {
    root = JSON.parse(text);
  } catch (error) {
    throw new Error(`it is not JSON (${(error as Error).message})`);
  }
  if (!isObject(root) || root.format !== MODEL_FORMAT) throw new Error(`it has no "format": "${MODEL_FORMAT}"`);
  if (root.version !== JSON_VERSION) {
    throw new Error(`its version ${JSON.stringify(root.version)} is not supported (this rnn-native reads JSON version ${JSON_VERSION} and safetensors version ${MODEL_VERSION})`);
  }
  const { cell, hiddenSize, dtype, alphabet } = headerFields(root);
  const characters = [...alphabet];
  const stored = field(root, 'parameters', isObject, 'an object');
  const shapes = parameterShapes(cell, hiddenSize, characters.length);
  const unknown = Object.keys(stored).filter((name) => !shapes.some(([known]) => known === name));
  if (unknown.length > 0) throw new Error(`"parameters" has unknown entries ${unknown.join(', ')} for a ${cell} model`);
  const total = shapes.reduce((sum, [, [rows, columns]]) => sum + rows * columns, 0);
  const parameters = new (dtype === 'float32' ? Float32Array : Float64Array)(total);
  let offset = 0;
  for (const [name, shape] of shapes) {
    const entry = stored[name];
    if (!isObject(entry)) throw new Error(`"parameters.${name}" is missing`);
    const { shape: gotShape, data } = entry;
    if (!Array.isArray(gotShape) || gotShape.length !== 2 || gotShape[0] !== shape[0] || gotShape[1] !== shape[1]) {
      throw new Error(`"parameters.${name}.shape" must be [${shape.join(', ')}], got ${JSON.stringify(gotShape)}`);
    }
    if (!Array.isArray(data) || data.length !== shape[0] * shape[1]) {
      throw new Error(`"parameters.${name}.data" must be an array of ${shape[0] * shape[1]} numbers`);
    }
    data.forEach((value: unknown, i) => {
      if (typeof value !== 'number' || !Number.isFinite(value)) {
        throw new Error(`"parameters.${name}.data[${i}]" must be a finite number, got ${JSON.stringify(value)}`);
      }
      parameters[offset + i] = value;
    });
    offset += data.length;
  }
  return { cell, hiddenSize, dtype, alphabet, parameters };
}

function decodeSafetensorsFields(bytes: Uint8Array, source: string): ModelFields {
  const file = readSafetensors(bytes, source);
  const meta = file.metadata;
  if (meta.format !== MODEL_FORMAT) throw new Error(`its __metadata__ has no "format": "${MODEL_FORMAT}"`);
  if (meta.version !== String(MODEL_VERSION)) {
    throw new Error(`its version ${JSON.stringify(meta.version)} is not supported (this rnn-native reads safetensors version ${MODEL_VERSION})`);
  }
  const sizes = /^[1-9][0-9]{0,5}$/.test(meta.hiddenSize ?? '') ? Number(meta.hiddenSize) : meta.hiddenSize;
  const { cell, hiddenSize, dtype, alphabet } = headerFields({ ...meta, hiddenSize: sizes });
  const shapes = parameterShapes(cell, hiddenSize, [...alphabet].length);
  const unknown = [...file.tensors.keys()].filter((name) => !shapes.some(([known]) => known === name));
  if (unknown.length > 0) throw new Error(`it has unknown tensors ${unknown.join(', ')} for a ${cell} model`);
  const total = shapes.reduce((sum, [, [rows, columns]]) => sum + rows * columns, 0);
  const parameters = new (dtype === 'float32' ? Float32Array : Float64Array)(total);
  const stored = dtype === 'float32' ? 'F32' : 'F64';
  let offset = 0;
  for (const [name, shape] of shapes) {
    const tensor = file.tensors.get(name);
    if (tensor === undefined) throw new Error(`tensor "${name}" is missing`);
    if (tensor.dtype !== stored) throw new Error(`tensor "${name}" is ${tensor.dtype}, but the model's dtype ${dtype} is stored as ${stored}`);
    if (tensor.shape.length !== 2 || tensor.shape[0] !== shape[0] || tensor.shape[1] !== shape[1]) {
      throw new Error(`tensor "${name}" must have shape [${shape.join(', ')}], got [${tensor.shape.join(', ')}]`);
    }
    const values = floatValues(tensor) as Float;
    const bad = values.findIndex((v) => !Number.isFinite(v));
    if (bad >= 0) throw new Error(`tensor "${name}" has a value that is not finite at index ${bad}: ${values[bad]}`);
    parameters.set(values, offset);
    offset += values.length;
  }
  return { cell, hiddenSize, dtype, alphabet, parameters };
}

function modelFileError(source: string, error: unknown): Error {
  return libraryError(Error, 'ERR_RNN_MODEL_FILE', `${source} is not a valid rnn-native model file: ${(error as Error).message}`);
}

/**
 * The model in the bytes of a file: version 2 (safetensors), or version 1 (JSON, whose first byte is `{` after any
 * white space, where a safetensors file starts with its header's length); an Error naming `source` and what is
 * wrong for anything else.
 */
export function decodeModelFile(bytes: Uint8Array, source: string): ModelFields {
  let i = 0;
  while (i < bytes.length && (bytes[i] === 0x20 || bytes[i] === 0x0a || bytes[i] === 0x0d || bytes[i] === 0x09)) ++i;
  try {
    if (bytes[i] === 0x7b) return decodeJSONFields(decodeUtf8(bytes, source));
    return decodeSafetensorsFields(bytes, source);
  } catch (error) {
    if ((error as { code?: unknown }).code === 'ERR_RNN_MODEL_FILE') throw error;
    throw modelFileError(source, error);
  }
}

/** The model in version 1 JSON text; an Error naming `source` and what is wrong for anything else. */
export function decodeModelJSON(text: string, source: string): ModelFields {
  try {
    return decodeJSONFields(text);
  } catch (error) {
    throw modelFileError(source, error);
  }
}
