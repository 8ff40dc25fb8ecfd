// Errors a caller can branch on: the class says the kind (TypeError, RangeError, Error), `code` the cause.

/** The stable `code` of every error the library throws (listed in the README's Errors section). */
export type ErrorCode =
  /** An argument of the wrong type: not a tensor, a number, a string, an object, a RandomState, an optimizer. */
  | 'ERR_RNN_TYPE'
  /** Float data of the wrong dtype, mixed float32/float64, or integer data where floats go (and the reverse). */
  | 'ERR_RNN_DTYPE'
  /** A tensor whose shape does not fit the call, or whose data length does not match its shape. */
  | 'ERR_RNN_SHAPE'
  /** A missing or unknown key of a parameter dict or an options object (usually a typo). */
  | 'ERR_RNN_KEY'
  /** A number or string out of its allowed range: a size, a seed, a rate, a class id, a character, an alphabet. */
  | 'ERR_RNN_VALUE'
  /** A cache or tape that is not the one the matching forward pass returned. */
  | 'ERR_RNN_CACHE'
  /** Sizes no call can take: beyond what one BLAS call can index, or beyond the machine's memory. */
  | 'ERR_RNN_TOO_LARGE'
  /** An array the call needs was detached (its buffer transferred) or resized. */
  | 'ERR_RNN_DETACHED'
  /** A model file that cannot be read or is not a valid rnn-native model. */
  | 'ERR_RNN_MODEL_FILE'
  /** A model whose parameters are NaN or infinite (training diverged), so it is not saved. */
  | 'ERR_RNN_DIVERGED'
  /** A CharModel used while its trainStepAsync runs. */
  | 'ERR_RNN_BUSY'
  /** The native addon could not be loaded. */
  | 'ERR_RNN_ADDON'
  /** The native workspace of a call could not be allocated (memory taken by others): the next call works. */
  | 'ERR_RNN_OUT_OF_MEMORY'
  /** Any other error of the native code: a call that did not run because its process or worker is exiting. */
  | 'ERR_RNN_NATIVE';

/** An error of one of the built-in classes that also carries a stable `code`. */
export type RnnError<E extends Error = Error> = E & { readonly code: ErrorCode };

/** A new `kind` error with `message` and `code`; its stack starts at the caller. */
export function libraryError<E extends Error>(kind: new (message: string) => E, code: ErrorCode, message: string): RnnError<E> {
  const error = Object.assign(new kind(message), { code });
  Error.captureStackTrace(error, libraryError);
  return error;
}
