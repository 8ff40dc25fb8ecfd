// The character model's file format: versioned JSON with named, shaped parameter arrays, validated on load.
//
//   { "format": "rnn-native/char-model", "version": 1, "cell": "lstm" | "rnn", "hiddenSize": n_a,
//     "dtype": "float64" | "float32", "alphabet": "<V characters, '\n' among them>",
//     "parameters": { "<name>": { "shape": [rows, columns], "data": [row-major numbers] }, ... } }
//
// Parameters, in this order: LSTM W (4 n_a, n_a + V) = [Wf; Wi; Wc; Wo] acting on [a_prev; x], b (4 n_a, 1),
// Wy (V, n_a), by (V, 1); RNN Wax (n_a, V), Waa (n_a, n_a), ba (n_a, 1), Wy (V, n_a), by (V, 1).
import type { Dtype } from './init';
import type { Float } from './tensor';
import { libraryError } from './errors';

export const MODEL_FORMAT = 'rnn-native/char-model';
export const MODEL_VERSION = 1;

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

export function encodeModelFile(model: ModelFields): string {
  const parameters: Record<string, { shape: number[]; data: number[] }> = {};
  let offset = 0;
  for (const [name, shape] of parameterShapes(model.cell, model.hiddenSize, [...model.alphabet].length)) {
    const size = shape[0] * shape[1];
    parameters[name] = { shape, data: Array.from(model.parameters.subarray(offset, offset + size)) };
    offset += size;
  }
  const { cell, hiddenSize, dtype, alphabet } = model;
  return JSON.stringify({ format: MODEL_FORMAT, version: MODEL_VERSION, cell, hiddenSize, dtype, alphabet, parameters });
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

function decodeFields(text: string): ModelFields {
  let root: unknown;
  try {
    root = JSON.parse(text);
  } catch (error) {
    throw new Error(`it is not JSON (${(error as Error).message})`);
  }
  if (!isObject(root) || root.format !== MODEL_FORMAT) throw new Error(`it has no "format": "${MODEL_FORMAT}"`);
  if (root.version !== MODEL_VERSION) {
    throw new Error(`its version ${JSON.stringify(root.version)} is not supported (this rnn-native reads version ${MODEL_VERSION})`);
  }
  const cell = field(root, 'cell', isCell, '"lstm" or "rnn"');
  const hiddenSize = field(root, 'hiddenSize', isSize, 'an integer in [1, 65536]');
  const dtype = field(root, 'dtype', isDtype, '"float64" or "float32"');
  const alphabet = field(root, 'alphabet', isString, 'a string');
  const characters = [...alphabet];
  if (new Set(characters).size !== characters.length || !characters.includes('\n') || characters.length < 2) {
    throw new Error('"alphabet" must list at least 2 distinct characters, "\\n" among them');
  }
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

/** The model stored in `text`; an Error naming `source` and what is wrong for anything else. */
export function decodeModelFile(text: string, source: string): ModelFields {
  try {
    return decodeFields(text);
  } catch (error) {
    throw libraryError(Error, 'ERR_RNN_MODEL_FILE', `${source} is not a valid rnn-native model file: ${(error as Error).message}`);
  }
}
