// Loads the compiled addon once. A missing or unloadable addon is one Error that says how to fix it.
// RNN_NATIVE_ADDON=/path/to/rnn_native.node loads that build instead (the sanitizer run uses it).
import * as path from 'node:path';
import type { NativeAddon } from '../binding';

function load(): NativeAddon {
  const root = path.join(__dirname, '..', 'build');
  const override = process.env.RNN_NATIVE_ADDON;
  const candidates = override
    ? [path.resolve(override)]
    : [path.join(root, 'Release', 'rnn_native.node'), path.join(root, 'Debug', 'rnn_native.node')];
  const failures: string[] = [];
  for (const file of candidates) {
    try {
      return require(file) as NativeAddon;
    } catch (error) {
      failures.push(`${file}: ${(error as Error).message.split('\n')[0]}`);
    }
  }
  throw new Error(
    'rnn-native: the native addon could not be loaded. Build it with `npm rebuild rnn-native` ' +
      '(it needs OpenBLAS: `apt-get install libopenblas-dev` on Debian/Ubuntu, `brew install openblas` on macOS, ' +
      '`dnf install openblas-devel` on Fedora).\n' + failures.join('\n'),
  );
}

export const native: NativeAddon = load();
