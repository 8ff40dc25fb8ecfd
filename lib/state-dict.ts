// A recurrent layer's parameters as a PyTorch state_dict (LAYERS.md §1, §4): the names and shapes of every weight
// and bias, and the reverse — the sizes (I, H, L, D) of the layer whose tensors a file holds under a prefix, with
// every tensor under that prefix checked: none missing, none extra, every shape consistent, every dtype a float.
import { floatValues, type SafetensorsContents } from './formats/safetensors';
import { shapeText, type Float } from './tensor';

/** I, H, L and D of a layer. */
export interface LayerSizes {
  readonly I: number;
  readonly H: number;
  readonly L: number;
  readonly D: 1 | 2;
}

export interface ParameterShape {
  readonly name: string;
  readonly shape: readonly number[];
  /** The shape in symbols: `4·H, D·H`. */
  readonly symbols: string;
}

/** Every parameter of a layer of `G` gates, in the order of its flat vector (PyTorch's order). */
export function parameterShapes(G: number, { I, H, L, D }: LayerSizes): ParameterShape[] {
  const shapes: ParameterShape[] = [];
  for (let k = 0; k < L; ++k) {
    for (let d = 0; d < D; ++d) {
      const suffix = `l${k}${d === 1 ? '_reverse' : ''}`;
      const gh = `${G === 1 ? '' : `${G}·`}H`;
      shapes.push(
        { name: `weight_ih_${suffix}`, shape: [G * H, k === 0 ? I : D * H], symbols: `${gh}, ${k === 0 ? 'I' : 'D·H'}` },
        { name: `weight_hh_${suffix}`, shape: [G * H, H], symbols: `${gh}, H` },
        { name: `bias_ih_${suffix}`, shape: [G * H], symbols: gh },
        { name: `bias_hh_${suffix}`, shape: [G * H], symbols: gh },
      );
    }
  }
  return shapes;
}

/** What a state_dict import needs to know of the module: its gates and a name for messages (`an nn.LSTM`). */
export interface ModuleKind {
  readonly G: number;
  readonly module: string;
}

const sameShape = (a: readonly number[] | undefined, b: readonly number[]) => a !== undefined && a.length === b.length && a.every((d, i) => d === b[i]);

/** Does the tensor pair `weight_hh_l0` under `prefix` fit a module of `G` gates: (G·H, H)? */
function fits(file: SafetensorsContents, prefix: string, G: number): boolean {
  const shape = file.tensors.get(`${prefix}weight_hh_l0`)?.shape;
  return shape?.length === 2 && (shape[1] as number) > 0 && shape[0] === G * (shape[1] as number);
}

/**
 * The prefix of the module's tensors (`encoder.lstm.`): `given`, or the one prefix of a `weight_ih_l0` in the file
 * (among several, the one whose `weight_hh_l0` fits the module's gates).
 */
export function modulePrefix(file: SafetensorsContents, kind: ModuleKind, given: string | undefined, fail: (problem: string) => Error): string {
  if (given !== undefined) return given;
  const found = [...file.tensors.keys()].filter((name) => name.endsWith('weight_ih_l0')).map((name) => name.slice(0, -'weight_ih_l0'.length));
  if (found.length === 0) throw fail(`no tensor is named weight_ih_l0 or <prefix>weight_ih_l0, as the parameters of ${kind.module} are`);
  const fitting = found.length === 1 ? found : found.filter((prefix) => fits(file, prefix, kind.G));
  if (fitting.length !== 1) {
    throw fail(`it holds the tensors of several recurrent modules (prefixes ${found.sort().map((p) => JSON.stringify(p)).join(', ')}): pass { prefix } to choose one`);
  }
  return fitting[0] as string;
}

/**
 * The sizes of the layer whose parameters are the tensors under `prefix`, and their values under their names
 * without the prefix; an Error naming the tensor for a missing, extra, misshapen or non-float one.
 */
export function stateDictParameters(file: SafetensorsContents, prefix: string, kind: ModuleKind, fail: (problem: string) => Error): { sizes: LayerSizes; values: Map<string, { dtype: string; values: Float }> } {
  const { G, module } = kind;
  const tensor = (name: string) => file.tensors.get(prefix + name);
  const quoted = (name: string) => JSON.stringify(prefix + name);
  for (const name of ['weight_ih_l0', 'weight_hh_l0']) if (!tensor(name)) throw fail(`it has no tensor ${quoted(name)}`);
  if (tensor('weight_hr_l0')) throw fail(`tensor ${quoted('weight_hr_l0')} is the projection of an LSTM with proj_size, which rnn-native does not compute`);
  const hh = tensor('weight_hh_l0')?.shape as readonly number[];
  const gh = `${G === 1 ? '' : `${G}·`}H`;
  if (!fits(file, prefix, G)) throw fail(`tensor ${quoted('weight_hh_l0')} has shape ${shapeText(hh)}, but ${module}'s is (${gh}, H)`);
  const H = hh[1] as number;
  const ih = tensor('weight_ih_l0')?.shape as readonly number[];
  if (ih.length !== 2 || ih[0] !== G * H || ih[1] === 0) {
    throw fail(`tensor ${quoted('weight_ih_l0')} has shape ${shapeText(ih)}, but ${module}'s is (${gh}, I) = (${G * H}, I) with I ≥ 1 (H = ${H} comes from weight_hh_l0)`);
  }
  let L = 1;
  while (tensor(`weight_ih_l${L}`)) ++L;
  const sizes: LayerSizes = { I: ih[1] as number, H, L, D: tensor('weight_ih_l0_reverse') ? 2 : 1 };
  const expected = parameterShapes(G, sizes);
  const description = `${module} of I = ${sizes.I}, H = ${H}, ${L} layer${L > 1 ? 's' : ''}${sizes.D === 2 ? ', bidirectional' : ''}`;
  for (const name of file.tensors.keys()) {
    if (name.startsWith(prefix) && !expected.some((p) => prefix + p.name === name)) {
      throw fail(`tensor ${JSON.stringify(name)} is not a parameter of ${description}`);
    }
  }
  const values = new Map<string, { dtype: string; values: Float }>();
  for (const { name, shape, symbols } of expected) {
    const stored = tensor(name);
    if (!stored) throw fail(`tensor ${quoted(name)} is missing (${description} has it)`);
    if (!sameShape(stored.shape, shape)) throw fail(`tensor ${quoted(name)} has shape ${shapeText(stored.shape)}, expected (${symbols}) = ${shapeText(shape)}`);
    const data = floatValues(stored);
    if (!data) throw fail(`tensor ${quoted(name)} has dtype ${stored.dtype}; rnn-native reads F32, F64, F16 and BF16`);
    values.set(name, { dtype: stored.dtype, values: data });
  }
  return { sizes, values };
}
