#!/usr/bin/env node
// `npm run test:install` (CI runs it): the package as users get it. Builds the prebuild (`npm run prebuild`), packs
// the tarball (`npm pack`) and installs it into fresh projects:
//   1. with --ignore-scripts: it works from the prebuild, nothing compiled;
//   2. with scripts: the install script keeps the prebuild (no build/ appears) and it works;
//   3. from the same tarball with prebuilds/ removed: the install script compiles from source and it works.
// Also: the packed package.json has only the `install` script and no devDependencies, every file its entry points
// and scripts name is in the tarball, and the repository's package.json is left byte for byte as it was.
'use strict';
const { spawnSync } = require('node:child_process');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'rnn-native-install-'));

function run(command, args, cwd, extraEnv = {}) {
  const started = Date.now();
  const result = spawnSync(command, args, { cwd, encoding: 'utf8', env: { ...process.env, ...extraEnv } });
  const seconds = (Date.now() - started) / 1000;
  const output = `${result.stdout}${result.stderr}`;
  if (result.status !== 0) {
    console.error(output);
    throw new Error(`${command} ${args.join(' ')} in ${cwd} exited with ${result.status}`);
  }
  return { output, stdout: result.stdout, seconds };
}

// What a user runs: the library from CommonJS and ESM, and the command.
const CONSUMER = `
const rn = require('rnn-native');
const r = new rn.RandomState(1);
const params = rn.initLstmParams({ n_x: 3, n_a: 5, n_y: 2, random: r });
const { a, y } = rn.lstmForward(r.randn(3, 10, 7), r.randn(5, 10), params);
if (a.shape.join() !== '5,10,7' || y.shape.join() !== '2,10,7' || !a.data.every(Number.isFinite)) throw new Error('bad result');
import('rnn-native').then((esm) => {
  if (esm.lstmForward !== rn.lstmForward) throw new Error('ESM and CommonJS entries differ');
  console.log('consumer ok');
});
`;

function freshProject(name) {
  const dir = path.join(work, name);
  fs.mkdirSync(dir);
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name, private: true }));
  fs.writeFileSync(path.join(dir, 'consumer.cjs'), CONSUMER);
  return dir;
}

function install(name, tarball, args) {
  const dir = freshProject(name);
  const { output, seconds } = run('npm', ['install', '--no-audit', '--no-fund', ...args, tarball], dir);
  const installed = path.join(dir, 'node_modules', 'rnn-native');
  assert.match(run(process.execPath, ['consumer.cjs'], dir).output, /consumer ok/, `${name}: the library works`);
  const train = run(path.join(dir, 'node_modules', '.bin', 'rnn-native'),
    ['train', '--steps', '3', '--hidden', '8', '--batch', '2', '--samples', '1', '--json'], dir);
  assert.ok(JSON.parse(train.stdout.trim().split('\n').pop()).steps === 3, `${name}: the command trains`);
  console.log(`test:install: ${name}: npm install took ${seconds.toFixed(1)} s`);
  return { output, installed };
}

const manifestBefore = fs.readFileSync(path.join(root, 'package.json'));
console.log('test:install: npm run prebuild');
run('npm', ['run', 'prebuild', '--silent'], root);
console.log('test:install: npm pack');
run('npm', ['pack', '--silent', '--pack-destination', work], root);
assert.deepEqual(fs.readFileSync(path.join(root, 'package.json')), manifestBefore, 'npm pack leaves package.json as it was');
const tarball = path.join(work, fs.readdirSync(work).find((f) => f.endsWith('.tgz')));

// The tarball's contents and manifest.
const unpacked = path.join(work, 'unpacked');
fs.mkdirSync(unpacked);
run('tar', ['xzf', tarball, '-C', unpacked], work);
const pkgDir = path.join(unpacked, 'package');
const manifest = JSON.parse(fs.readFileSync(path.join(pkgDir, 'package.json'), 'utf8'));
assert.deepEqual(manifest.scripts, { install: 'node scripts/install.js' }, 'the packed manifest has the install script only');
assert.equal(manifest.devDependencies, undefined, 'the packed manifest has no devDependencies');
const named = [manifest.main, manifest.types, ...Object.values(manifest.bin), 'scripts/install.js', 'LICENSE',
  ...Object.values(manifest.exports['.']).flatMap((entry) => Object.values(entry))];
for (const file of named) assert.ok(fs.existsSync(path.join(pkgDir, file)), `the tarball has ${file}`);
const prebuilds = path.join(pkgDir, 'prebuilds', `${process.platform}-${process.arch}`);
assert.ok(fs.readdirSync(prebuilds).some((f) => f.endsWith('.node')), 'the tarball has the prebuild');
for (const file of ['tsconfig.json', 'test', 'bench', 'scripts/test-sanitize.js', 'build']) {
  assert.ok(!fs.existsSync(path.join(pkgDir, file)), `the tarball leaves out ${file}`);
}

// 1. --ignore-scripts: the prebuild alone.
const bare = install('ignore-scripts', tarball, ['--ignore-scripts']);
assert.ok(!fs.existsSync(path.join(bare.installed, 'build')), 'ignore-scripts: nothing was built');

// 2. With scripts: the prebuild loads, so nothing compiles.
const scripted = install('with-scripts', tarball, ['--foreground-scripts']);
assert.match(scripted.output, /using the prebuilt addon/, 'with scripts: the install script kept the prebuild');
assert.ok(!fs.existsSync(path.join(scripted.installed, 'build')), 'with scripts: nothing was built');

// 3. Without the prebuild: a build from source.
fs.rmSync(path.join(pkgDir, 'prebuilds'), { recursive: true });
const sourceOnly = path.join(work, 'source-only.tgz');
run('tar', ['czf', sourceOnly, '-C', unpacked, 'package'], work);
const compiled = install('from-source', sourceOnly, ['--foreground-scripts']);
assert.match(compiled.output, /building from source/, 'without the prebuild: the install script compiles');
assert.ok(fs.existsSync(path.join(compiled.installed, 'build', 'Release', 'rnn_native.node')), 'without the prebuild: the addon was built');

fs.rmSync(work, { recursive: true });
console.log('test:install: ok');
