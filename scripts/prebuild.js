#!/usr/bin/env node
// `npm run prebuild`: builds prebuilds/<platform>-<arch>/rnn-native.node with prebuildify: an N-API build (any Node
// with N-API 8) from binding.gyp, stripped, linked against the system's libopenblas.so.0, so a machine with the
// OpenBLAS runtime alone (Debian: libopenblas0) can use it without a compiler. `npm pack` ships it.
'use strict';
const { spawnSync } = require('node:child_process');
const path = require('node:path');
const { localNodeDir, nodeGyp } = require('./node-gyp');

const root = path.resolve(__dirname, '..');
const [command, ...prefix] = nodeGyp();
const nodeDir = localNodeDir();
const env = {
  ...process.env,
  // prebuildify runs node-gyp as one executable; node-gyp's own script is one (it has a shebang).
  PREBUILD_NODE_GYP: prefix.length > 0 ? prefix[0] : command,
  ...(nodeDir ? { npm_config_nodedir: nodeDir } : {}),
  // N-API only (binding.gyp): recycled blocks need V8's API, which ties a binary to one Node version.
  RNN_NATIVE_PORTABLE: '1',
};
const args = [require.resolve('prebuildify/bin.js'), '--napi', '--strip', `--target=node@${process.versions.node}`];
console.log(`rnn-native: prebuildify ${args.slice(1).join(' ')}`);
const result = spawnSync(process.execPath, args, { cwd: root, stdio: 'inherit', env });
if (result.error) console.error(`rnn-native: could not run prebuildify: ${result.error.message}`);
process.exit(result.status ?? 1);
