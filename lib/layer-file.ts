// The rnn-native layer file (LAYERS.md §4): a safetensors file of a layer's parameters under their PyTorch names,
// in the layer's dtype, with `__metadata__` { format: "rnn-native/layer", version: "1", config } where config is the
// JSON of the layer's class and every constructor option:
//
//   { "class": "Lstm" | "Gru" | "Rnn", "inputSize", "hiddenSize", "numLayers", "bidirectional", "layout", "dtype",
//     "dropout", "seed", "resetAfter" (Gru), "nonlinearity" (Rnn) }
//
// A layer file is also a state_dict: `Lstm.fromPyTorch` reads it, and so does PyTorch's `load_file`.
import { libraryError } from './errors';
import { encodeSafetensors, type SafetensorsContents } from './formats/safetensors';
import type { Tensor } from './tensor';

export const LAYER_FORMAT = 'rnn-native/layer';
export const LAYER_VERSION = '1';

export type LayerClassName = 'Lstm' | 'Gru' | 'Rnn';
const CLASS_NAMES: readonly string[] = ['Lstm', 'Gru', 'Rnn'] satisfies LayerClassName[];

/** The class of a layer and its constructor options. */
export interface LayerConfig {
  readonly className: LayerClassName;
  readonly options: Readonly<Record<string, unknown>>;
}

/** The Error for a file that is valid safetensors but not a valid layer file. */
export function layerFileError(source: string, problem: string): Error {
  return libraryError(Error, 'ERR_RNN_MODEL_FILE', `${source} is not a valid rnn-native layer file: ${problem}`);
}

/** The bytes of the layer file of `config` and `parameters`. */
export function encodeLayerFile({ className, options }: LayerConfig, parameters: Readonly<Record<string, Tensor>>): Uint8Array {
  const config = JSON.stringify({ class: className, ...options });
  return encodeSafetensors(parameters, { format: LAYER_FORMAT, version: LAYER_VERSION, config });
}

/** The class and options a layer file's metadata holds, checked for form (the constructor checks the options). */
export function decodeLayerConfig(file: SafetensorsContents, source: string): LayerConfig {
  const { format, version, config } = file.metadata;
  if (format !== LAYER_FORMAT) {
    const hint = format === undefined ? ' (a PyTorch state_dict? Read it with Lstm.fromPyTorch, Gru.fromPyTorch or Rnn.fromPyTorch)' : '';
    throw layerFileError(source, `its __metadata__.format is ${JSON.stringify(format) ?? 'missing'}, expected "${LAYER_FORMAT}"${hint}`);
  }
  if (version !== LAYER_VERSION) {
    throw layerFileError(source, `its __metadata__.version ${JSON.stringify(version) ?? 'is missing'}${version === undefined ? '' : ' is not supported'} (this rnn-native reads version "${LAYER_VERSION}")`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(config ?? '');
  } catch (error) {
    throw layerFileError(source, `its __metadata__.config is not JSON (${(error as Error).message})`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw layerFileError(source, 'its __metadata__.config must be a JSON object');
  const { class: className, ...options } = parsed as Record<string, unknown>;
  if (typeof className !== 'string' || !CLASS_NAMES.includes(className)) {
    throw layerFileError(source, `its config's class is ${JSON.stringify(className) ?? 'missing'}, expected "Lstm", "Gru" or "Rnn"`);
  }
  return { className: className as LayerClassName, options };
}
