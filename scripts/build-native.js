#!/usr/bin/env node
// Builds the native addon from source (install.js runs it when no prebuild loads). It uses cmake-js when `cmake` is
// on the PATH and node-gyp otherwise; RNN_NATIVE_BUILDER=cmake-js|node-gyp forces one. RNN_NATIVE_DEBUG=1 builds with debug info and assertions,
// RNN_NATIVE_SANITIZE=1 (cmake-js only) adds AddressSanitizer and UndefinedBehaviorSanitizer.
'use strict';
const { spawnSync } = require('node:child_process');
const path = require('node:path');
const { cmakeNodeHeaders, localNodeDir, nodeGyp, onPath } = require('./node-gyp');

const root = path.resolve(__dirname, '..');
const debug = process.env.RNN_NATIVE_DEBUG === '1';
const sanitize = process.env.RNN_NATIVE_SANITIZE === '1';

function run(command, args) {
  console.log(`rnn-native: ${command} ${args.join(' ')}`);
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit' });
  if (result.error) {
    console.error(`rnn-native: could not run ${command}: ${result.error.message}`);
    process.exit(1);
  }
  if (result.status !== 0) process.exit(result.status ?? 1);
}

const builder = process.env.RNN_NATIVE_BUILDER || (onPath('cmake') ? 'cmake-js' : 'node-gyp');
if (builder === 'cmake-js') {
  const cmakeJs = require.resolve('cmake-js/bin/cmake-js');
  const args = [cmakeJs, 'rebuild', '--log-level', 'warn'];
  if (debug || sanitize) args.push('--debug');
  if (sanitize) args.push('--CDRNN_SANITIZE=ON');
  args.push(...cmakeNodeHeaders());
  run(process.execPath, args);
} else if (builder === 'node-gyp') {
  if (sanitize) {
    console.error('rnn-native: RNN_NATIVE_SANITIZE=1 needs the cmake-js build (install cmake).');
    process.exit(1);
  }
  run(process.execPath, [path.join(__dirname, 'openblas.js')]);
  const nodeDir = localNodeDir();
  const [command, ...prefix] = nodeGyp();
  run(command, [...prefix, 'rebuild', ...(nodeDir ? [`--nodedir=${nodeDir}`] : []), ...(debug ? ['--debug'] : [])]);
} else {
  console.error(`rnn-native: RNN_NATIVE_BUILDER must be cmake-js or node-gyp, got ${builder}`);
  process.exit(1);
}
