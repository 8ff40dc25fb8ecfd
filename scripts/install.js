#!/usr/bin/env node
// The install script: keeps the prebuilt addon (prebuilds/, made by `npm run prebuild`) when it loads on this
// machine, and builds from source otherwise (build-native.js: cmake-js, or node-gyp without CMake).
// `npm install --build-from-source` always builds, and so does a git checkout (`npm ci` of a contributor): its
// sources may be newer than a prebuild lying around.
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');

/** Why the prebuild cannot be used here, or undefined when it loads. */
function prebuildProblem() {
  if (process.env.npm_config_build_from_source === 'true') return 'a build from source was asked for';
  if (fs.existsSync(path.join(root, '.git'))) return 'a git checkout builds its own sources';
  process.env.PREBUILDS_ONLY = '1'; // node-gyp-build: look in prebuilds/ only, not at an earlier build/
  try {
    require('node-gyp-build')(root);
    return undefined;
  } catch (error) {
    return error.message.split('\n')[0];
  }
}

const problem = prebuildProblem();
if (problem === undefined) {
  console.log('rnn-native: using the prebuilt addon (prebuilds/), nothing to compile');
} else {
  console.log(`rnn-native: building from source (${problem})`);
  require('./build-native.js');
}
