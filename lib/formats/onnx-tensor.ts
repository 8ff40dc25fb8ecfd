// ONNX constants (TensorProto) and the typed arrays of the layers: float tensors written as little-endian raw_data,
// int64 ones as int64_data, and the float tensors of a foreign file read back from either raw_data or the typed
// fields, with the element count checked against the dims before anything is allocated.
import { onnx } from 'onnx-proto';
import type { Float } from '../tensor';

export const { DataType } = onnx.TensorProto;

/** An int64 of a decoded message (a number, or a Long when protobufjs has one) as a number; NaN past 2^53. */
export function integer(value: number | Long | null | undefined): number {
  if (value === null || value === undefined) return NaN;
  const n = typeof value === 'number' ? value : value.toNumber();
  return Number.isSafeInteger(n) ? n : NaN;
}

/** The ONNX element type of a layer dtype's arrays. */
export const elementType = (data: Float): number => (data instanceof Float64Array ? DataType.DOUBLE : DataType.FLOAT);

/** An initializer `name` of shape `dims` holding `data` (FLOAT or DOUBLE), as raw little-endian bytes. */
export function floatTensor(name: string, dims: readonly number[], data: Float): onnx.ITensorProto {
  const size = data.BYTES_PER_ELEMENT;
  const rawData = new Uint8Array(data.length * size);
  const view = new DataView(rawData.buffer);
  for (let i = 0; i < data.length; ++i) {
    if (size === 8) view.setFloat64(8 * i, data[i] as number, true);
    else view.setFloat32(4 * i, data[i] as number, true);
  }
  return { name, dims: [...dims], dataType: elementType(data), rawData };
}

/** An int64 initializer `name` of shape `dims`. */
export function int64Tensor(name: string, dims: readonly number[], values: readonly number[]): onnx.ITensorProto {
  return { name, dims: [...dims], dataType: DataType.INT64, int64Data: [...values] };
}

/** A constant's shape and values: FLOAT as a Float32Array, DOUBLE as a Float64Array. */
export interface FloatConstant {
  readonly dims: readonly number[];
  readonly values: Float;
}

const TYPE_NAMES: Readonly<Record<number, string>> = Object.fromEntries(Object.entries(DataType).map(([name, id]) => [id, name]));

/** The name of an ONNX element type: `FLOAT16`, or the number when it is none. */
const typeName = (type: number | null | undefined): string => TYPE_NAMES[type ?? 0] ?? `${type}`;

/** The values of a FLOAT or DOUBLE TensorProto `t`; `fail` makes the Error of what is wrong with it (`what` names it). */
export function floatConstant(t: onnx.ITensorProto, what: string, fail: (problem: string) => Error): FloatConstant {
  if (t.dataLocation === onnx.TensorProto.DataLocation.EXTERNAL) {
    throw fail(`${what} keeps its data in an external file, which importOnnx does not read (save the model with its data inside)`);
  }
  const dims = (t.dims ?? []).map(integer);
  if (dims.some((d) => !(d >= 0))) throw fail(`${what} has dims [${(t.dims ?? []).join(', ')}], which are not sizes`);
  const count = dims.reduce((a, b) => a * b, 1);
  const type = t.dataType ?? 0;
  if (type !== DataType.FLOAT && type !== DataType.DOUBLE) throw fail(`${what} is a ${typeName(type)} tensor, expected FLOAT or DOUBLE`);
  const Typed = type === DataType.DOUBLE ? Float64Array : Float32Array;
  const size = Typed.BYTES_PER_ELEMENT;
  const raw = t.rawData ?? new Uint8Array(0);
  const typed = (type === DataType.DOUBLE ? t.doubleData : t.floatData) ?? [];
  if (raw.length > 0) {
    if (raw.length !== count * size) {
      throw fail(`${what} has ${raw.length} bytes of raw_data, but dims [${dims.join(', ')}] of ${typeName(type)} need ${count * size}`);
    }
    const values = new Typed(count);
    const view = new DataView(raw.buffer, raw.byteOffset, raw.length);
    for (let i = 0; i < count; ++i) values[i] = size === 8 ? view.getFloat64(8 * i, true) : view.getFloat32(4 * i, true);
    return { dims, values };
  }
  if (typed.length !== count) {
    const field = type === DataType.DOUBLE ? 'double_data' : 'float_data';
    throw fail(`${what} has ${typed.length} values in ${field} (and no raw_data), but dims [${dims.join(', ')}] need ${count}`);
  }
  return { dims, values: Typed.from(typed) };
}
