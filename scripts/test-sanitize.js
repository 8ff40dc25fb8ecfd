#!/usr/bin/env node
// `npm run test:sanitize`: builds the addon with AddressSanitizer and UndefinedBehaviorSanitizer into
// build-sanitize/ (the normal build is left alone) and runs the test suite against it, with the sanitizer runtimes
// preloaded into Node. Any sanitizer report fails the run. Extra arguments are passed to uvu (e.g. a file pattern).
// The leak test is left out: RSS under ASan (shadow memory, quarantine) says nothing about leaks.
'use strict';
const { execFileSync, spawnSync } = require('node:child_process');
const path = require('node:path');
const { cmakeNodeHeaders } = require('./node-gyp');

const root = path.resolve(__dirname, '..');
const out = path.join(root, 'build-sanitize');

function runtime(name) {
  const file = execFileSync('gcc', [`-print-file-name=${name}`], { encoding: 'utf8' }).trim();
  if (!path.isAbsolute(file)) {
    console.error(`rnn-native: gcc has no ${name}; install gcc's sanitizer runtimes (Debian: libasan8 libubsan1)`);
    process.exit(1);
  }
  return file;
}

const build = spawnSync(process.execPath, [require.resolve('cmake-js/bin/cmake-js'), 'rebuild', '--debug', '--log-level', 'warn',
  '--out', out, '--CDRNN_SANITIZE=ON', ...cmakeNodeHeaders()], { cwd: root, stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);

const pattern = process.argv[2] ?? '^(?!leak)\\w[\\w-]*\\.test\\.mjs$';
const env = {
  ...process.env,
  RNN_NATIVE_ADDON: path.join(out, 'Debug', 'rnn_native.node'),
  LD_PRELOAD: [runtime('libasan.so'), runtime('libubsan.so')].join(':'),
  // Node itself keeps memory until exit on purpose; leaks are what the leak test measures, not LeakSanitizer.
  ASAN_OPTIONS: 'detect_leaks=0:abort_on_error=1',
  UBSAN_OPTIONS: 'halt_on_error=1:print_stacktrace=1',
};
console.log(`rnn-native: running the tests matching ${pattern} against ${env.RNN_NATIVE_ADDON}`);
const tests = spawnSync(process.execPath, [path.join(root, 'node_modules', 'uvu', 'bin.js'), 'test', pattern], { cwd: root, stdio: 'inherit', env });
process.exit(tests.status ?? 1);
