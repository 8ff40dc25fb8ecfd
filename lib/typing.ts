// Type-level rules that carry a call's dtype and its optional prediction into the types of its results, so that
// Float32Array parameters give Tensor<Float32Array> results and passing Wy/Wya makes y/yPred/ytPred present.
import type { Dtype } from './init';
import type { Float, Tensor } from './tensor';

/** The float array type of one argument: `F` for a `Tensor<F>`, never for a nested array (it takes the call's dtype). */
export type ArgumentFloat<T> = T extends Tensor<infer F> ? F : never;

/**
 * The dtype a dict of arguments sets, as the runtime picks it: that of the first entry in `Order` given as a
 * Tensor; Float64Array when every one is a nested array.
 */
export type CallFloat<P, Order extends readonly string[]> = Order extends readonly [infer Name, ...infer Rest extends readonly string[]]
  ? Name extends keyof P
    ? [ArgumentFloat<P[Name]>] extends [never] ? CallFloat<P, Rest> : ArgumentFloat<P[Name]>
    : CallFloat<P, Rest>
  : Float64Array;

/** The dtype of a single tensor argument: its own, or Float64Array for a nested array. */
export type TensorFloat<T> = [ArgumentFloat<T>] extends [never] ? Float64Array : ArgumentFloat<T>;

/** The array type of a `dtype` option: Float64Array when it is absent. */
export type DtypeFloat<D> = [D] extends ['float32'] ? Float32Array : [D] extends ['float64' | undefined] ? Float64Array : Float;

/** The array type of a layer's `dtype` option: Float32Array, the layers' default, when it is absent. */
export type LayerFloat<D> = [D] extends ['float64'] ? Float64Array : [D] extends ['float32' | undefined] ? Float32Array : Float;

/**
 * The prediction key of a forward result: present when the parameters have the prediction weight `W`, optional
 * when they may lack it, absent when they do not have it.
 */
export type Prediction<P, W extends string, Key extends string, F extends Float> = W extends keyof P
  ? undefined extends P[W] ? { [K in Key]?: Tensor<F> } : { [K in Key]: Tensor<F> }
  : { [K in Key]?: never };

/** Rejects keys of `P` that `Allowed` does not have (a typo such as `wf`), which a generic parameter would accept. */
export type OnlyKeysOf<P, Allowed> = { [K in Exclude<keyof P, keyof Allowed>]: never };

/** The dtype option of init options `O`. */
export type OptionsDtype<O> = O extends { dtype: infer D extends Dtype } ? D : undefined;
