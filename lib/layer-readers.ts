// Reading layers from files: a PyTorch state_dict saved as safetensors (`Lstm/Gru/Rnn.fromPyTorch`, LAYERS.md §4)
// and the layer files `layer.save` writes (`loadLayer`). Every tensor is checked (state-dict.ts) before a layer is
// built and filled.
import { libraryError } from './errors';
import { readSafetensors, type SafetensorsContents } from './formats/safetensors';
import { decodeLayerConfig, layerFileError, type LayerClassName } from './layer-file';
import {
  Gru, Lstm, Rnn, choice, type AnyLayer, type GruOptions, type LayerDtype, type RecurrentOptions, type RnnOptions,
} from './recurrent-layers';
import { sequenceLayout } from './sequences';
import { modulePrefix, stateDictParameters, type ModuleKind } from './state-dict';
import type { Float } from './tensor';
import { checkOptions, describe, setValues, typedArrayKind } from './validate';

const MODULES: Readonly<Record<LayerClassName, ModuleKind>> = {
  Lstm: { G: 4, module: 'an nn.LSTM' },
  Gru: { G: 3, module: 'an nn.GRU' },
  Rnn: { G: 1, module: 'an nn.RNN' },
};

/** A new layer of `className`; an error of its options becomes `fail`'s Error (the options came from a file). */
function buildLayer(className: LayerClassName, options: Record<string, unknown>, fail: (problem: string) => Error): AnyLayer {
  try {
    if (className === 'Lstm') return new Lstm(options as unknown as RecurrentOptions<LayerDtype>);
    if (className === 'Gru') return new Gru(options as unknown as GruOptions<LayerDtype>);
    return new Rnn(options as unknown as RnnOptions<LayerDtype>);
  } catch (error) {
    throw fail(`its layer cannot be built: ${(error as Error).message}`);
  }
}

/** `layer` with every parameter set to the checked values of the same name. */
function withValues<T extends AnyLayer>(layer: T, values: ReadonlyMap<string, { values: Float }>): T {
  for (const [name, p] of Object.entries(layer.parameters)) setValues(p.data, (values.get(name) as { values: Float }).values);
  return layer;
}

/** The file at a path or in a Uint8Array, and the name that stands for it in errors. */
function readInput(input: unknown): { file: SafetensorsContents; source: string } {
  if (typeof input === 'string') return { file: readSafetensors(input, input), source: input };
  if (typedArrayKind(input) === 'Uint8Array') return { file: readSafetensors(input as Uint8Array, 'the Uint8Array'), source: 'the Uint8Array' };
  throw libraryError(TypeError, 'ERR_RNN_TYPE', `pathOrBytes must be a path (a string) or a file's bytes (a Uint8Array), got ${describe(input)}`);
}

/** The layer of class `className` in the PyTorch state_dict `input` (a path or a file's bytes). */
export function fromPyTorch(className: LayerClassName, input: unknown, optionsValue: unknown): AnyLayer {
  const o = checkOptions(optionsValue, 'options', ['prefix', 'layout', 'dtype', ...(className === 'Rnn' ? ['nonlinearity'] : [])]);
  if (o.prefix !== undefined && typeof o.prefix !== 'string') {
    throw libraryError(TypeError, 'ERR_RNN_TYPE', `options.prefix must be a string, got ${describe(o.prefix)}`);
  }
  const layout = sequenceLayout(o.layout, 'options.layout');
  const dtype = o.dtype === undefined ? undefined : choice(o.dtype, 'options.dtype', ['float32', 'float64'] as const);
  const extra = className === 'Rnn' ? { nonlinearity: choice(o.nonlinearity, 'options.nonlinearity', ['tanh', 'relu'] as const) } : {};
  const { file, source } = readInput(input);
  const kind = MODULES[className];
  const fail = (problem: string) => libraryError(Error, 'ERR_RNN_MODEL_FILE', `cannot read ${kind.module} from ${source}: ${problem}`);
  const prefix = modulePrefix(file, kind, o.prefix as string | undefined, fail);
  const { sizes, values } = stateDictParameters(file, prefix, kind, fail);
  const dtypes = new Set([...values.values()].map((v) => (v.dtype === 'F64' ? 'float64' : 'float32')));
  if (dtype === undefined && dtypes.size > 1) throw fail('its tensors mix F64 with F32, F16 or BF16: pass { dtype } to choose the layer\'s');
  const options = {
    inputSize: sizes.I, hiddenSize: sizes.H, numLayers: sizes.L, bidirectional: sizes.D === 2, layout, dtype: dtype ?? [...dtypes][0], ...extra,
  };
  return withValues(buildLayer(className, options, fail), values);
}

/**
 * The layer `layer.save(path)` wrote, of its class (an Lstm, Gru or Rnn), dtype and options, with its parameters
 * bit for bit (the dropout generator starts again from the seed). A file that is not a valid layer file is an Error
 * (ERR_RNN_MODEL_FILE) naming the file and the problem.
 */
export function loadLayer(path: string): AnyLayer {
  if (typeof path !== 'string') throw libraryError(TypeError, 'ERR_RNN_TYPE', `path must be a string, got ${describe(path)}`);
  const file = readSafetensors(path, path);
  const { className, options } = decodeLayerConfig(file, path);
  const fail = (problem: string) => layerFileError(path, problem);
  const { sizes, values } = stateDictParameters(file, '', { G: MODULES[className].G, module: className === 'Gru' ? 'a Gru' : `an ${className}` }, fail);
  const stated: Record<string, unknown> = { inputSize: sizes.I, hiddenSize: sizes.H, numLayers: sizes.L, bidirectional: sizes.D === 2 };
  for (const [key, value] of Object.entries(stated)) {
    if (options[key] !== value) throw fail(`its config says ${key}: ${JSON.stringify(options[key]) ?? 'nothing'}, but its tensors are those of ${key} ${value}`);
  }
  const layer = buildLayer(className, { ...options }, fail);
  const stored = layer.dtype === 'float64' ? 'F64' : 'F32';
  for (const [name, { dtype }] of values) {
    if (dtype !== stored) throw fail(`tensor "${name}" is ${dtype}, but a ${layer.dtype} layer is stored as ${stored}`);
  }
  return withValues(layer, values);
}
