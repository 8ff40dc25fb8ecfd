#!/usr/bin/env node
// Locates OpenBLAS for the node-gyp build: `node scripts/openblas.js include` prints the folder holding its
// cblas.h, `... lib` the folder holding libopenblas. With no argument it only checks that both are there.
// When OpenBLAS is missing it prints one message naming the package to install and exits 1.
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const prefixes = [process.env.OPENBLAS_HOME, '/opt/homebrew/opt/openblas', '/usr/local/opt/openblas', '/usr/local', '/usr']
  .filter(Boolean);
const multiarch = { x64: 'x86_64-linux-gnu', arm64: 'aarch64-linux-gnu', ppc64: 'powerpc64le-linux-gnu', s390x: 's390x-linux-gnu' }[process.arch];

function candidates(sub) {
  const dirs = [];
  for (const prefix of prefixes) {
    const base = path.join(prefix, sub);
    if (multiarch) dirs.push(path.join(base, multiarch, 'openblas-pthread'), path.join(base, multiarch));
    dirs.push(path.join(base, 'openblas'), base);
  }
  return dirs;
}

function find(sub, fileNames) {
  return candidates(sub).find((dir) => fileNames.some((name) => fs.existsSync(path.join(dir, name))));
}

const include = find('include', ['cblas.h']);
const lib = find('lib', ['libopenblas.so', 'libopenblas.dylib', 'libopenblas.a']) ||
  find('lib64', ['libopenblas.so']);

if (!include || !lib) {
  console.error('rnn-native needs OpenBLAS (library and cblas.h) and did not find it. Install it: ' +
    "'apt-get install libopenblas-dev' on Debian/Ubuntu, 'brew install openblas' on macOS, " +
    "'dnf install openblas-devel' on Fedora; or set OPENBLAS_HOME to its install prefix.");
  process.exit(1);
}
const wanted = process.argv[2];
if (wanted === 'include') console.log(include);
else if (wanted === 'lib') console.log(lib);
