// Loads the addon once: the build from source (build/Release, then build/Debug) when there is one, else the prebuilt
// one for this platform (prebuilds/), through node-gyp-build. A missing or unloadable addon is one Error that says how
// to fix it. RNN_NATIVE_ADDON=/path/to/rnn_native.node loads that file instead (the sanitizer run uses it). What the
// addon throws carries a code (native-errors.ts).
import * as path from 'node:path';
import type { NativeAddon } from '../binding';
import { libraryError } from './errors';
import { withErrorCodes } from './native-errors';

export { callNative } from './native-errors';

const nodeGypBuild = require('node-gyp-build') as (dir: string) => unknown;

function load(): NativeAddon {
  const override = process.env.RNN_NATIVE_ADDON;
  try {
    return (override ? require(path.resolve(override)) : nodeGypBuild(path.join(__dirname, '..'))) as NativeAddon;
  } catch (error) {
    throw libraryError(Error, 'ERR_RNN_ADDON',
      'rnn-native: the native addon could not be loaded. The prebuilt addon needs the OpenBLAS runtime ' +
        '(`apt-get install libopenblas0` on Debian/Ubuntu); a build from source (`npm rebuild rnn-native --build-from-source`) ' +
        'needs OpenBLAS with its headers (`apt-get install libopenblas-dev` on Debian/Ubuntu, `brew install openblas` on macOS, ' +
        '`dnf install openblas-devel` on Fedora) and a C++17 compiler.\n' + (error as Error).message.split('\n')[0],
    );
  }
}

export const native: NativeAddon = withErrorCodes(load());
