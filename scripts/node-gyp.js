// How this package runs node-gyp, shared by the source build (build-native.js) and the prebuild (prebuild.js):
// which node-gyp, and the running Node's own headers when they are installed, so nothing is downloaded; and those
// headers for the cmake-js builds (build-native.js, test-sanitize.js).
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

function onPath(command) {
  return spawnSync(command, ['--version'], { stdio: 'ignore' }).status === 0;
}

/** node-gyp as [command, ...args]: the one npm runs scripts with, else one on the PATH, else the copy bundled with the npm beside this Node. */
function nodeGyp() {
  if (process.env.npm_config_node_gyp) return [process.execPath, process.env.npm_config_node_gyp];
  if (onPath('node-gyp')) return ['node-gyp'];
  const bundled = path.join(path.dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js');
  return [process.execPath, bundled];
}

/** The running Node's install prefix when its headers are there (and no nodedir was asked for), else undefined. */
function localNodeDir() {
  const prefix = path.resolve(path.dirname(process.execPath), '..');
  const present = fs.existsSync(path.join(prefix, 'include', 'node', 'node_api.h'));
  return !process.env.npm_config_nodedir && present ? prefix : undefined;
}

/** The running Node's include/node directory when it holds V8's headers of exactly this Node's version, else undefined. */
function nodeHeaders() {
  const dir = path.resolve(path.dirname(process.execPath), '..', 'include', 'node');
  let version;
  try {
    version = fs.readFileSync(path.join(dir, 'node_version.h'), 'utf8');
  } catch {
    return undefined;
  }
  const part = (name) => version.match(new RegExp(`#define NODE_${name}_VERSION (\\d+)`))?.[1];
  const found = `v${part('MAJOR')}.${part('MINOR')}.${part('PATCH')}`;
  return found === process.version && fs.existsSync(path.join(dir, 'v8.h')) ? dir : undefined;
}

/**
 * cmake-js's arguments for those headers (CMakeLists.txt: recycled blocks need V8's API), or none, saying why:
 * without them large arrays come from Node's allocator.
 */
function cmakeNodeHeaders() {
  const headers = nodeHeaders();
  if (headers) return [`--CDRNN_NODE_INCLUDE=${headers}`];
  console.log(`rnn-native: no headers of this Node (${process.version}) beside it: large arrays come from Node's allocator, not recycled blocks`);
  return [];
}

module.exports = { onPath, nodeGyp, localNodeDir, nodeHeaders, cmakeNodeHeaders };
