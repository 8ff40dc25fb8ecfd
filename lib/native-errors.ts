// The addon's own errors get a stable `code` too: the one it throws (or rejects with) when its workspace cannot be
// allocated is ERR_RNN_OUT_OF_MEMORY, anything else it throws ERR_RNN_NATIVE. Every addon function is wrapped once
// at load; a call that throws nothing pays only the wrapper's call.
import { type ErrorCode } from './errors';

const OUT_OF_MEMORY = /not enough memory/;

// Captured at load: a spread (`f(...args)`) runs the array iterator, which a caller can patch, between the facade's
// last check and the kernel.
const apply = Reflect.apply;

function withCode(error: unknown): unknown {
  if (error instanceof Error && !('code' in error)) {
    const code: ErrorCode = OUT_OF_MEMORY.test(error.message) ? 'ERR_RNN_OUT_OF_MEMORY' : 'ERR_RNN_NATIVE';
    Object.assign(error, { code });
  }
  return error;
}

const rethrow = (error: unknown): never => {
  throw withCode(error);
};

/** `addon` with every function wrapped so that what it throws, or a promise it returns rejects with, has a code. */
export function withErrorCodes<T extends object>(addon: T): T {
  const wrapped: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(addon)) {
    if (typeof value !== 'function') {
      wrapped[name] = value;
      continue;
    }
    const f = value as (...args: unknown[]) => unknown;
    wrapped[name] = (...args: unknown[]): unknown => {
      let result: unknown;
      try {
        result = apply(f, undefined, args);
      } catch (error) {
        rethrow(error);
      }
      return result instanceof Promise ? result.catch(rethrow) : result;
    };
  }
  return wrapped as T;
}

/** `f(...args)` without the (patchable) array iterator a spread runs: for the addon's calls after the last check. */
export function callNative<A extends unknown[], R>(f: (...args: A) => R, args: A): R {
  return apply(f, undefined, args) as R;
}
