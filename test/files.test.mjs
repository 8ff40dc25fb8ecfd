// The files the package writes and reads (issue 12): atomic writes (temporary file, fsync, rename) for model files
// and the command's --save and --plot, so a full disk or SIGKILL mid-write leaves the old file; output paths
// checked before training (folders, devices, missing folders, an input named as an output); inputs read only from
// regular files (or stdin as `-`) as strict UTF-8; a run's memory checked before anything is allocated; a closed
// stderr. The disk-full and read-only cases run on a real small tmpfs, skipped with a message where mount is not
// permitted.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as rn from 'rnn-native';
import { writeFileAtomic } from '../dist/atomic-write.js';
import { invalidUtf8Offset } from '../dist/text-file.js';
import { killMidSave, mountTmpfs as mountIn, temporaries, unmount } from './support/disk.mjs';

const cli = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));
const run = (args, options = {}) => spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', timeout: 120_000, ...options });
const dir = mkdtempSync(join(tmpdir(), 'rnn-native-files-'));
const tiny = ['--steps', '3', '--hidden', '8', '--batch', '2', '--seq-length', '5', '--samples', '2'];
const ALPHABET = '\nabcdefghijklmnopqrstuvwxyz';
const model = (hiddenSize, seed = 1) => rn.CharModel.create({ alphabet: ALPHABET, hiddenSize, seed });
const sameParameters = (a, b) => a.parameters.length === b.parameters.length && a.parameters.every((v, i) => Object.is(v, b.parameters[i]));
const mountTmpfs = (size, label) => mountIn(dir, size, label);

test('writeFileAtomic writes and replaces a file, through a symbolic link, and leaves no temporary file', () => {
  const folder = mkdtempSync(join(dir, 'atomic-'));
  const file = join(folder, 'out.txt');
  writeFileAtomic(file, 'one');
  writeFileAtomic(file, new TextEncoder().encode('two'));
  assert.is(readFileSync(file, 'utf8'), 'two');
  symlinkSync(file, join(folder, 'link.txt'));
  writeFileAtomic(join(folder, 'link.txt'), 'three');
  assert.is(readFileSync(file, 'utf8'), 'three', 'the link\'s target is written');
  assert.equal(readdirSync(folder).sort(), ['link.txt', 'out.txt'], 'the link stays a link and no temporary file is left');
  assert.throws(() => writeFileAtomic(join(folder, 'missing', 'x.txt'), 'x'), /ENOENT/);
});

test('a full disk during model.save and train --save leaves the old model intact and no temporary file', () => {
  const mountPoint = mountTmpfs('160k', 'disk full');
  if (mountPoint === undefined) return;
  try {
    const target = join(mountPoint, 'model.json');
    const small = model(4);
    small.save(target);
    assert.throws(() => model(64).save(target), /ENOSPC/);
    assert.ok(sameParameters(rn.CharModel.load(target), small), 'the old model still loads, unchanged');
    assert.equal(temporaries(mountPoint), []);
    const cliRun = run(['train', 'dinosaurs', ...tiny, '--hidden', '64', '--save', target]);
    assert.is(cliRun.status, 1, cliRun.stderr);
    assert.match(cliRun.stderr, new RegExp(`^rnn-native: cannot write --save ${target}: ENOSPC: no space left on device`, 'm'));
    assert.ok(sameParameters(rn.CharModel.load(target), small), 'the old model survives the command too');
    assert.equal(temporaries(mountPoint), []);
  } finally {
    unmount(mountPoint);
  }
});

test('SIGKILL while a model is being written leaves a complete model file (the old or the new one)', async () => {
  const mountPoint = mountTmpfs('64m', 'SIGKILL mid-save');
  if (mountPoint === undefined) return;
  try {
    const target = join(mountPoint, 'model.json');
    const saved = await killMidSave(mountPoint, target);
    const loaded = rn.CharModel.load(target);
    const seed = [saved, saved + 1].find((s) => sameParameters(loaded, model(256, s)));
    assert.ok(seed !== undefined, `the file is neither save ${saved} nor save ${saved + 1}`);
    console.log(`    killed during save ${saved + 1}: the file holds save ${seed}, ${temporaries(mountPoint).length} stray temporary file`);
  } finally {
    unmount(mountPoint);
  }
});

test('outputs are checked before training: folders, devices, missing folders, inputs and read-only folders', () => {
  const corpus = join(dir, 'corpus.txt');
  writeFileSync(corpus, 'ab\nba\n');
  // --plot takes only .svg names: a folder named like one.
  const folder = join(dir, 'folder.svg');
  mkdirSync(folder, { recursive: true });
  const cases = [
    [['--save', tmpdir()], `--save ${tmpdir()}: it is a directory, not a regular file`],
    [['--plot', folder], `--plot ${folder}: it is a directory, not a regular file`],
    [['--save', '/dev/full'], '--save /dev/full: it is a device, not a regular file'],
    [['--save', '/nonexistent/dir/m.json'], '--save /nonexistent/dir/m.json: the directory /nonexistent/dir does not exist'],
    [['--save', corpus], `--save ${corpus} is the corpus: it would be overwritten`],
    [['--save', join(dir, 'same.svg'), '--plot', join(dir, 'same.svg')], `--save and --plot name the same file ${join(dir, 'same.svg')}`],
  ];
  for (const [options, message] of cases) {
    const t0 = performance.now();
    const r = run(['train', corpus, ...options]);
    assert.is(r.status, 2, `${options.join(' ')}: ${r.stderr}`);
    assert.is(r.stderr, `rnn-native: ${message}\n`);
    assert.ok(performance.now() - t0 < 10_000, 'failed at start-up, not after training');
  }
  assert.is(readFileSync(corpus, 'utf8'), 'ab\nba\n', 'the corpus is untouched');
  const mountPoint = mountTmpfs('64k', 'read-only folder');
  if (mountPoint === undefined) return;
  try {
    execFileSync('mount', ['-o', 'remount,ro', mountPoint]);
    const r = run(['train', corpus, '--save', join(mountPoint, 'm.json')]);
    assert.is(r.status, 2);
    assert.match(r.stderr, new RegExp(`^rnn-native: --save ${mountPoint}/m\\.json: cannot create files in ${mountPoint} \\(EROFS`));
  } finally {
    unmount(mountPoint);
  }
});

test('inputs are regular files or stdin: devices, folders and FIFOs are clear errors, `-` reads stdin', () => {
  const fifo = join(dir, 'fifo');
  execFileSync('mkfifo', [fifo]);
  for (const [args, message] of [
    [['train', '/dev/zero'], 'cannot read the corpus /dev/zero: it is a device, not a regular file'],
    [['train', fifo], `cannot read the corpus ${fifo}: it is a FIFO, not a regular file`],
    [['train', dir], `cannot read the corpus ${dir}: it is a directory, not a regular file`],
    [['sample', '/dev/zero'], 'cannot read the model /dev/zero: it is a device, not a regular file'],
    [['sample', fifo], `cannot read the model ${fifo}: it is a FIFO, not a regular file`],
  ]) {
    const r = run(args, { timeout: 20_000 });
    assert.is(r.signal, null, `${args.join(' ')} hung or crashed`);
    assert.is(r.status, 1, args.join(' '));
    assert.is(r.stderr, `rnn-native: ${message}\n`);
  }
  const piped = run(['train', '-', ...tiny, '--json'], { input: 'abc\ncab\n' });
  assert.is(piped.status, 0, piped.stderr);
  assert.match(piped.stderr, /on stdin: 2 lines, 8 characters, 4 distinct/);
  assert.is(JSON.parse(piped.stdout.trim()).steps, 3);
});

test('invalid UTF-8 is an error naming the file and the byte offset; a BOM is skipped', () => {
  const bad = join(dir, 'bad.txt');
  writeFileSync(bad, Buffer.from([0x61, 0x62, 0x0a, 0xc3, 0xa9, 0x0a, 0xe2, 0x28, 0xa1, 0x0a]));
  const r = run(['train', bad, ...tiny]);
  assert.is(r.status, 1);
  assert.is(r.stderr, `rnn-native: the corpus ${bad} is not valid UTF-8: invalid byte 0xe2 at byte offset 6\n`);
  const bom = join(dir, 'bom.txt');
  writeFileSync(bom, '\uFEFFab\nba\n');
  const ok = run(['train', bom, ...tiny, '--json']);
  assert.is(ok.status, 0, ok.stderr);
  assert.match(ok.stderr, /2 lines, 6 characters, 3 distinct/, 'the BOM is not a character of the corpus');
  // The offset of the first byte of the first invalid sequence (RFC 3629: no overlongs, surrogates or > U+10FFFF).
  for (const [bytes, offset] of [[[0x61], -1], [[0xf0, 0x9f, 0x98, 0x80], -1], [[0x61, 0xc0, 0x80], 1], [[0xed, 0xa0, 0x80], 0],
    [[0xf4, 0x90, 0x80, 0x80], 0], [[0x61, 0xe2, 0x82], 1], [[0xf5], 0], [[0x80], 0], [[0xe0, 0x9f, 0x80], 0]]) {
    assert.is(invalidUtf8Offset(new Uint8Array(bytes)), offset, bytes.map((b) => b.toString(16)).join(' '));
  }
});

test('CR-only line endings and characters beyond the BMP work in the command, and samples are well-formed', () => {
  const emoji = join(dir, 'emoji.txt');
  writeFileSync(emoji, 'a😀b\rb🙂\r😀😀a\r');
  const r = run(['train', emoji, '--steps', '30', '--hidden', '16', '--batch', '4', '--seq-length', '6', '--samples', '8', '--json',
    '--save', join(dir, 'emoji.json')]);
  assert.is(r.status, 0, r.stderr);
  assert.match(r.stderr, /3 lines, 11 characters, 5 distinct/);
  const { samples } = JSON.parse(r.stdout.trim());
  assert.is(samples.length, 8);
  for (const s of samples) assert.ok(s.isWellFormed() && /^[ab😀🙂]*$/u.test(s), JSON.stringify(s));
  const sampled = run(['sample', join(dir, 'emoji.json'), '-n', '5']);
  assert.is(sampled.status, 0, sampled.stderr);
  assert.ok(sampled.stdout.isWellFormed());
});

test('a run too large for memory fails at once, before any batch is allocated', () => {
  const t0 = performance.now();
  const r = run(['train', '--batch', '20000', '--seq-length', '20000']);
  const ms = performance.now() - t0;
  assert.is(r.status, 2, r.stderr);
  assert.match(r.stderr, /^rnn-native: --batch 20000 with --seq-length 20000 is too large: not enough memory: this call needs [\d.]+ GiB .*\(n_a = 128, V = 27, m = 20000, T = 20000\)/);
  assert.ok(ms < 10_000, `took ${ms.toFixed(0)} ms`);
});

test('a closed stderr does not stop a run: it finishes, saves, and prints its --json line', () => {
  const target = join(dir, 'epipe.json');
  // stderr into `head -c 1`, which exits after the first byte; stdout to us. pipefail: the status is the command's.
  const command = `set -o pipefail; { "${process.execPath}" "${cli}" train dinosaurs ${tiny.join(' ')} --json --save "${target}" ` +
    '2>&1 1>&3 3>&- | head -c 1 >/dev/null; } 3>&1';
  const child = spawnSync('bash', ['-c', command], { encoding: 'utf8', timeout: 60_000 });
  assert.is(child.status, 0, child.stderr);
  assert.is(JSON.parse(child.stdout.trim()).steps, 3, 'the --json line');
  assert.ok(existsSync(target), 'the model was saved');
  assert.ok(rn.CharModel.load(target) instanceof rn.CharModel);
});

test.after(() => rmSync(dir, { recursive: true, force: true }));

test.run();
