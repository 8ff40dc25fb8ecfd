// A character-level language model (RNN or LSTM cell, softmax over the alphabet) trained one batch per native call:
// forward, loss, backward through time, clipping and the optimizer update happen in one kernel
// (native/kernels/char_model.cc). Its parameters are one flat vector, laid out as the kernel says.
import { writeFileAtomic } from './atomic-write';
import { fillGlorotUniform, arrayType, type Dtype } from './init';
import { decodeModelFile, decodeModelJSON, encodeModelFile, encodeModelJSON } from './model-file';
import { callNative, native } from './native';
import { Adam, optimizerState, Sgd } from './optimizers';

export { Adam, Sgd };
import { RandomState } from './random';
import type { Float } from './tensor';
import { readRegularFile } from './text-file';
import {
  checkMemory, checkOptions, copyOf, describe, fillValues, lengthOf, positiveInteger, positiveNumber, setValues, typedArrayKind,
} from './validate';
import { libraryError } from './errors';

export type CellKind = 'lstm' | 'rnn';

export interface CharModelOptions {
  /** 'lstm' (the default) or 'rnn'. */
  cell?: CellKind;
  /** n_a, 64 by default. */
  hiddenSize?: number;
  /** The characters the model knows, each once; a character's index is its id. Must contain '\n'. */
  alphabet: string;
  /** Seeds the Glorot/Xavier initialization; 0 by default. */
  seed?: number;
  /** 'float64' (the default) or 'float32'. */
  dtype?: Dtype;
}

/** A batch of `batchSize` sequences of `steps` character ids, laid out (batchSize, steps) row-major. */
export interface TrainBatch {
  inputs: Int32Array;
  /** The next character of each input position, or -1 to mask the position (padding). */
  targets: Int32Array;
  batchSize: number;
  steps: number;
}

export interface TrainOptions {
  optimizer: Adam | Sgd;
  /** Clip every gradient value into [-clipValue, clipValue] (first). */
  clipValue?: number;
  /** Then scale all gradients together down to this global L2 norm. */
  clipNorm?: number;
}

export interface SampleOptions {
  random: RandomState;
  /** Stop after this many characters if no '\n' came; 100 by default. */
  maxLength?: number;
  /** Divides the logits: below 1 sharper, above 1 more varied; 0 always takes the most likely character (greedy); 1 by default. */
  temperature?: number;
  /** Characters fed after the initial '\n' and returned at the start of the sample. */
  prefix?: string;
}

/** Where each parameter starts in the flat vector (see native/kernels/char_model.h). */
export type ParameterLayout = ReturnType<typeof native.charModelLayout>;

const CELLS: Record<CellKind, number> = { rnn: 0, lstm: 1 };

/** An optional positive number: 0 (off) when absent. */
const optionalPositive = (value: unknown, name: string): number => (value === undefined ? 0 : positiveNumber(value, name));

export function checkAlphabet(alphabet: unknown): string {
  if (typeof alphabet !== 'string') throw libraryError(TypeError, 'ERR_RNN_TYPE', `alphabet must be a string, got ${describe(alphabet)}`);
  const characters = [...alphabet];
  if (new Set(characters).size !== characters.length) throw libraryError(RangeError, 'ERR_RNN_VALUE', 'alphabet must list each character once');
  if (!characters.includes('\n')) throw libraryError(RangeError, 'ERR_RNN_VALUE', "alphabet must contain '\\n', which starts and ends every sample");
  if (characters.length < 2) throw libraryError(RangeError, 'ERR_RNN_VALUE', 'alphabet needs at least 2 characters');
  return alphabet;
}

export function checkCell(cell: unknown): CellKind {
  if (cell === undefined) return 'lstm';
  if (cell !== 'lstm' && cell !== 'rnn') throw libraryError(TypeError, 'ERR_RNN_VALUE', `cell must be 'lstm' or 'rnn', got ${typeof cell === 'string' ? `'${cell}'` : describe(cell)}`);
  return cell;
}

/** The values a training step holds at once beyond the model: its native workspace (see char_model.cc). */
function trainStepElements(cell: CellKind, n_a: number, V: number, m: number, T: number): number {
  const rows = m * T;
  return cell === 'lstm' ? rows * (15 * n_a + 3 * V) + 8 * m * n_a : rows * (5 * n_a + 3 * V) + 4 * m * n_a;
}

/** Largest hidden size a model may have (its weights alone would take gigabytes beyond it). */
const MAX_HIDDEN = 16384;

/**
 * A character-level language model: an LSTM or vanilla RNN over one-hot characters with a softmax output layer.
 * `trainStep` trains it in one native call, `sample` generates text, `save`/`load` keep it in a JSON file.
 */
export class CharModel {
  // Private, so that no caller can change what the native code trusts (sizes, dtype, the parameter array itself);
  // the getters below expose them read-only.
  readonly #cell: CellKind;
  readonly #hiddenSize: number;
  readonly #alphabet: string;
  readonly #dtype: Dtype;
  readonly #parameters: Float;
  readonly #layout: ParameterLayout;
  readonly #characters: string[];
  readonly #ids: Map<string, number>;
  readonly #gradients: Float;
  #busy = false;

  /** Internal: use CharModel.create or CharModel.load. */
  constructor(cell: CellKind, hiddenSize: number, alphabet: string, dtype: Dtype, parameters?: Float) {
    this.#cell = checkCell(cell);
    this.#hiddenSize = positiveInteger(hiddenSize, 'hiddenSize');
    if (hiddenSize > MAX_HIDDEN) throw libraryError(RangeError, 'ERR_RNN_VALUE', `hiddenSize must be at most ${MAX_HIDDEN}, got ${hiddenSize}`);
    this.#alphabet = checkAlphabet(alphabet);
    const Array = arrayType(dtype, 'dtype');
    this.#dtype = dtype;
    this.#characters = [...alphabet];
    this.#ids = new Map(this.#characters.map((character, id) => [character, id]));
    this.#layout = Object.freeze(native.charModelLayout(CELLS[cell], hiddenSize, this.#characters.length));
    const total = this.#layout.total;
    // Parameters, gradients and (for Adam) two moments, plus a training step's workspace on top.
    checkMemory(4 * total, Array.BYTES_PER_ELEMENT, { n_a: hiddenSize, V: this.#characters.length });
    if (parameters !== undefined && (typedArrayKind(parameters) !== Array.name || lengthOf(parameters) !== total)) {
      throw libraryError(TypeError, 'ERR_RNN_TYPE', `parameters must be a ${Array.name} of ${total} values for this model`);
    }
    this.#parameters = parameters === undefined ? new Array(total) : copyOf(parameters);
    this.#gradients = new Array(total);
  }

  get cell(): CellKind {
    return this.#cell;
  }

  /** n_a */
  get hiddenSize(): number {
    return this.#hiddenSize;
  }

  get alphabet(): string {
    return this.#alphabet;
  }

  get dtype(): Dtype {
    return this.#dtype;
  }

  /** All parameters end to end, laid out by `layout` (the model's own array: changing it changes the model). */
  get parameters(): Float {
    return this.#parameters;
  }

  /** Where each parameter starts in `parameters`. */
  get layout(): ParameterLayout {
    return this.#layout;
  }

  /** A new model with Glorot/Xavier uniform weights, zero biases and, for the LSTM, a forget-gate bias of 1. */
  static create(options: CharModelOptions): CharModel {
    const o = checkOptions(options, 'options', ['cell', 'hiddenSize', 'alphabet', 'seed', 'dtype']);
    const seed = o.seed === undefined ? 0 : o.seed;
    if (typeof seed !== 'number') throw libraryError(TypeError, 'ERR_RNN_TYPE', `seed must be a number, got ${describe(seed)}`);
    const random = new RandomState(seed);
    const model = new CharModel(
      checkCell(o.cell),
      o.hiddenSize === undefined ? 64 : positiveInteger(o.hiddenSize, 'hiddenSize'),
      checkAlphabet(o.alphabet),
      arrayType(o.dtype, 'dtype') === Float32Array ? 'float32' : 'float64',
    );
    model.#initialize(random);
    return model;
  }

  #initialize(random: RandomState): void {
    const [L, p, n_a] = [this.#layout, this.#parameters, this.#hiddenSize];
    const V = this.#characters.length;
    const block = (start: number, rows: number, columns: number) => {
      fillGlorotUniform(p.subarray(start, start + rows * columns), rows, columns, random);
    };
    if (this.#cell === 'lstm') {
      for (let gate = 0; gate < 4; ++gate) block(L.cellW + gate * n_a * (n_a + V), n_a, n_a + V);
      fillValues(p, 1, L.cellB, L.cellB + n_a);
    } else {
      block(L.cellW, n_a, V);
      block(L.cellU, n_a, n_a);
    }
    block(L.Wy, V, n_a);
  }

  /** The ids of `text`'s characters; RangeError for a character outside the alphabet. */
  encode(text: string): Int32Array {
    const characters = [...text];
    return Int32Array.from(characters, (character, i) => {
      const id = this.#ids.get(character);
      if (id === undefined) throw libraryError(RangeError, 'ERR_RNN_VALUE', `character ${JSON.stringify(character)} at ${i} is not in the model's alphabet`);
      return id;
    });
  }

  decode(ids: ArrayLike<number>): string {
    return Array.from(ids, (id) => this.#characters[id] ?? '').join('');
  }

  /** One training step on `batch`; returns its mean loss per character (nats), measured before the update. */
  trainStep(batch: TrainBatch, options: TrainOptions): number {
    return this.#whileBusy(() => {
      const { args, loss, done } = this.#prepareStep(batch, options);
      callNative(native.charModelTrainStep, args);
      done();
      return loss[0] as number;
    });
  }

  /** trainStep on the native executor's thread. The model must not be used again until the Promise settles. */
  async trainStepAsync(batch: TrainBatch, options: TrainOptions): Promise<number> {
    return this.#whileBusyAsync(async () => {
      const { args, loss, done } = this.#prepareStep(batch, options);
      // The kernel updates a private copy of the parameters, the one array of the step a caller can reach: a buffer
      // detached meanwhile must never be written by another thread. It is copied back once the step is done.
      const parameters = this.#parameters;
      const copy = copyOf(parameters);
      args[0] = copy;
      await callNative(native.charModelTrainStepAsync, args);
      setValues(parameters, copy);
      done();
      return loss[0] as number;
    });
  }

  /**
   * RangeError, before anything is allocated, when a training step on batches of `batchSize` sequences of `steps`
   * characters would not fit in memory: its native workspace, the batch's two id arrays and the step's copies of them.
   */
  checkTrainingMemory(batchSize: number, steps: number): void {
    this.#checkTrainingMemory(positiveInteger(batchSize, 'batchSize'), positiveInteger(steps, 'steps'));
  }

  // Private, so that a training step's own check cannot be replaced by a subclass or a patched method.
  #checkTrainingMemory(m: number, T: number): void {
    const V = this.#characters.length;
    const bytes = trainStepElements(this.#cell, this.#hiddenSize, V, m, T) * this.#parameters.BYTES_PER_ELEMENT + 4 * Int32Array.BYTES_PER_ELEMENT * m * T;
    checkMemory(bytes, 1, { n_a: this.#hiddenSize, V, m, T });
  }

  /**
   * Runs `step` with the model marked busy from its first line on: the arguments' getters (user code) run inside it,
   * and must not start a second step on the same parameters and gradients.
   */
  #whileBusy<R>(step: () => R): R {
    this.#guard();
    this.#busy = true;
    try {
      return step();
    } finally {
      this.#busy = false;
    }
  }

  /** The same for an async step: busy until its Promise settles (awaited here, not through a patchable `then`). */
  async #whileBusyAsync<R>(step: () => Promise<R>): Promise<R> {
    this.#guard();
    this.#busy = true;
    try {
      return await step();
    } finally {
      this.#busy = false;
    }
  }

  /** The native code trusts the parameters' length: a caller may have detached their buffer. */
  #checkIntact(): void {
    if (lengthOf(this.#parameters) !== this.#layout.total) throw libraryError(Error, 'ERR_RNN_DETACHED', 'the model\'s parameters were detached');
  }

  #guard(): void {
    if (this.#busy) throw libraryError(Error, 'ERR_RNN_BUSY', 'this CharModel is busy with a training step (a trainStepAsync not awaited yet, or a getter of the step\'s arguments); await it first');
  }

  #prepareStep(batch: TrainBatch, options: TrainOptions) {
    const b = checkOptions(batch, 'batch', ['inputs', 'targets', 'batchSize', 'steps']);
    const m = positiveInteger(b.batchSize, 'batch.batchSize');
    const T = positiveInteger(b.steps, 'batch.steps');
    const V = this.#characters.length;
    const inputs = this.#checkIds(b.inputs, 'batch.inputs', m * T, 0);
    const targets = this.#checkIds(b.targets, 'batch.targets', m * T, -1);
    const o = checkOptions(options, 'options', ['optimizer', 'clipValue', 'clipNorm']);
    const clipValue = optionalPositive(o.clipValue, 'options.clipValue');
    const clipNorm = optionalPositive(o.clipNorm, 'options.clipNorm');
    const { settings, slot } = optimizerState(o.optimizer, this.#parameters, 'options.optimizer');
    this.#checkTrainingMemory(m, T);
    // From here on no caller code runs until the native call.
    this.#checkIntact();
    const loss = new Float64Array(1);
    const step = slot.steps + 1;
    /** Counts the update once it has happened (a failed step leaves Adam's bias correction where it was). */
    const done = () => void (slot.steps = step);
    const args: Parameters<typeof native.charModelTrainStep> = [
      this.#parameters, this.#gradients, slot.moment1, slot.moment2, inputs, targets, loss,
      CELLS[this.#cell], this.#hiddenSize, V, m, T, settings.kind, settings.learningRate, settings.momentum,
      settings.beta1, settings.beta2, settings.epsilon, step, clipValue, clipNorm,
    ];
    return { args, loss, done };
  }

  /** A private copy of an Int32Array of `length` ids in [lowest, V), checked: later user code cannot change it. */
  #checkIds(value: unknown, name: string, length: number, lowest: number): Int32Array {
    if (typedArrayKind(value) !== 'Int32Array') throw libraryError(TypeError, 'ERR_RNN_DTYPE', `${name} must be an Int32Array, got ${describe(value)}`);
    const ids = new Int32Array(value as Int32Array);
    const count = lengthOf(ids);
    if (count !== length) throw libraryError(RangeError, 'ERR_RNN_SHAPE', `${name} has ${count} ids but batchSize × steps = ${length}`);
    const V = this.#characters.length;
    for (let i = 0; i < length; ++i) {
      const id = ids[i] as number;
      if (id < lowest || id >= V) throw libraryError(RangeError, 'ERR_RNN_VALUE', `${name}[${i}] = ${id} is not a character id in [${lowest}, ${V})`);
    }
    return ids;
  }

  /**
   * Writes the model (cell, sizes, alphabet, parameters) to `path` as a safetensors file (format version 2 of
   * model-file.ts), atomically: a failed or interrupted save leaves the previous file intact.
   */
  save(path: string): void {
    this.#guard();
    this.#checkIntact();
    if (!this.#parameters.every(Number.isFinite)) {
      throw libraryError(Error, 'ERR_RNN_DIVERGED', 'the model has NaN or infinite parameters (training diverged: try a lower --lr or clipping); not saved');
    }
    writeFileAtomic(path, encodeModelFile(this));
  }

  /**
   * The model saved at `path`: a safetensors file that save wrote, or a JSON file of version 1; a clear Error when it
   * is not a regular file or not a valid model file.
   */
  static load(path: string): CharModel {
    if (typeof path !== 'string') throw libraryError(TypeError, 'ERR_RNN_TYPE', `path must be a string, got ${describe(path)}`);
    let bytes: Uint8Array;
    try {
      bytes = readRegularFile(path, `the model ${path}`);
    } catch (error) {
      // Not a regular file: a bad model file. A system error (ENOENT, EACCES) keeps its own code.
      if ((error as { code?: unknown }).code === undefined) Object.assign(error as Error, { code: 'ERR_RNN_MODEL_FILE' });
      throw error;
    }
    const f = decodeModelFile(bytes, path);
    return new CharModel(f.cell, f.hiddenSize, f.alphabet, f.dtype, f.parameters);
  }

  /** The model in the JSON text of a version 1 file (or of toJSON); `source` names it in errors. */
  static fromJSON(text: string, source = 'the text'): CharModel {
    if (typeof text !== 'string') throw libraryError(TypeError, 'ERR_RNN_TYPE', `text must be a string, got ${describe(text)}`);
    const f = decodeModelJSON(text, source);
    return new CharModel(f.cell, f.hiddenSize, f.alphabet, f.dtype, f.parameters);
  }

  /** The model as version 1 JSON (every parameter as decimal numbers: much larger than the file save writes). */
  toJSON(): unknown {
    return JSON.parse(encodeModelJSON(this));
  }

  /**
   * The mean loss per character (nats) of predicting `lines`: each line from the state after '\n', every character
   * and the closing '\n' from the ones before it (the validation loss of held-out text). Changes nothing.
   */
  loss(lines: readonly string[]): number {
    if (!Array.isArray(lines) || lines.some((line) => typeof line !== 'string')) {
      throw libraryError(TypeError, 'ERR_RNN_TYPE', `lines must be an array of strings, got ${describe(lines)}`);
    }
    if (lines.length === 0) throw libraryError(RangeError, 'ERR_RNN_VALUE', 'lines must hold at least one line');
    const encoded = lines.map((line) => this.encode(`${line}\n`));
    const { feed, logits, restart } = this.#reader();
    let total = 0;
    let count = 0;
    for (const ids of encoded) {
      restart();
      for (let i = 0; i < ids.length; ++i) {
        const id = ids[i] as number;
        total += crossEntropy(logits, id);
        if (i + 1 < ids.length) feed(id);
      }
      count += ids.length;
    }
    return total / count;
  }

  /**
   * A recurrent state over a private copy of the parameters, fed '\n': `feed(id)` steps it and leaves the logits of
   * the next character in `logits`; `restart()` goes back to the state after '\n'.
   */
  #reader() {
    this.#guard();
    this.#checkIntact();
    // A private copy: the caller's code (a RandomState, a getter) may run anything between two native calls.
    const parameters = copyOf(this.#parameters);
    const Array = this.#dtype === 'float32' ? Float32Array : Float64Array;
    const V = this.#characters.length;
    const h = new Array(this.#hiddenSize);
    const c = this.#cell === 'lstm' ? new Array(this.#hiddenSize) : null;
    const logits = new Array(V);
    const newline = this.#ids.get('\n') as number;
    const feed = (id: number) => native.charModelNext(h, c, logits, parameters, CELLS[this.#cell], this.#hiddenSize, V, id);
    const restart = () => {
      fillValues(h, 0);
      if (c !== null) fillValues(c, 0);
      feed(newline);
    };
    restart();
    return { feed, logits, newline, restart };
  }

  /** Generates one line: from the state after '\n' (and `prefix`), draws characters until '\n' or maxLength. */
  sample(options: SampleOptions): string {
    const o = checkOptions(options, 'options', ['random', 'maxLength', 'temperature', 'prefix']);
    const random = o.random;
    if (!(random instanceof RandomState)) throw libraryError(TypeError, 'ERR_RNN_TYPE', `options.random must be a RandomState, got ${describe(random)}`);
    const maxLength = o.maxLength === undefined ? 100 : positiveInteger(o.maxLength, 'options.maxLength');
    const temperature = o.temperature === undefined ? 1 : positiveNumber(o.temperature, 'options.temperature', { zero: true });
    const prefix = o.prefix ?? '';
    if (typeof prefix !== 'string') throw libraryError(TypeError, 'ERR_RNN_TYPE', `options.prefix must be a string, got ${describe(prefix)}`);
    const { feed, logits, newline } = this.#reader();
    const prefixIds = this.encode(prefix);
    for (let i = 0; i < prefixIds.length; ++i) feed(prefixIds[i] as number);
    let text = prefix;
    for (let length = [...prefix].length; length < maxLength; ++length) {
      const id = drawFromLogits(logits, temperature, random);
      if (id === newline) break;
      text += this.#characters[id];
      feed(id);
    }
    return text;
  }
}

/** log Σ exp(logits) − logits[id]: the cross-entropy of the next character being `id`. Indexed loops (see below). */
function crossEntropy(logits: Float, id: number): number {
  const V = lengthOf(logits);
  let max = -Infinity;
  for (let i = 0; i < V; ++i) max = Math.max(max, logits[i] as number);
  let sum = 0;
  for (let i = 0; i < V; ++i) sum += Math.exp((logits[i] as number) - max);
  return max + Math.log(sum) - (logits[id] as number);
}

/**
 * A draw from softmax(logits / temperature) with one uniform number of `random`; at temperature 0 the argmax, no
 * draw. Indexed loops, not iterators: `logits` is the model's private array, which a patched
 * TypedArray.prototype[Symbol.iterator] could detach.
 */
function drawFromLogits(logits: Float, temperature: number, random: RandomState): number {
  const V = lengthOf(logits);
  let max = -Infinity;
  for (let id = 0; id < V; ++id) max = Math.max(max, logits[id] as number);
  if (temperature === 0) {
    let best = 0;
    for (let id = 1; id < V; ++id) if ((logits[id] as number) > (logits[best] as number)) best = id;
    return best;
  }
  const weights = new Float64Array(V);
  let total = 0;
  for (let id = 0; id < V; ++id) total += weights[id] = Math.exp(((logits[id] as number) - max) / temperature);
  let u = random.random() * total;
  for (let id = 0; id < V; ++id) {
    u -= weights[id] as number;
    if (u < 0) return id;
  }
  return V - 1;
}
