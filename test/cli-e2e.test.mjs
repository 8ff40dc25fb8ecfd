// The `rnn-native` command end to end (issue 5), on short runs: the --json summary, determinism for a seed, the
// --save / --plot files, and `sample` from a saved model. The default run's acceptance (under two minutes, final
// loss at most 60% of the first step's) is checked by .ci/run, which runs `npx rnn-native train --json` itself.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as rn from 'rnn-native';

const cli = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));
const run = (...args) => spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', timeout: 120_000 });
const dir = mkdtempSync(join(tmpdir(), 'rnn-native-cli-'));
const short = ['train', 'dinosaurs', '--steps', '40', '--hidden', '16', '--batch', '8', '--seq-length', '12', '--samples', '3'];

test('train --json ends with the summary line, and the same seed gives the same run', () => {
  const first = run(...short, '--json', '--save', join(dir, 'model.safetensors'), '--plot', join(dir, 'loss.svg'));
  assert.is(first.status, 0, first.stderr);
  const lines = first.stdout.trim().split('\n');
  assert.is(lines.length, 1, 'with --json, stdout holds only the JSON line');
  const summary = JSON.parse(lines[0]);
  assert.equal(Object.keys(summary).sort(), ['charsPerSecond', 'finalLoss', 'initialLoss', 'samples', 'seconds', 'steps', 'validationLoss']);
  assert.ok(summary.validationLoss > 0 && summary.validationLoss < summary.initialLoss, `validation loss ${summary.validationLoss}`);
  assert.ok(summary.charsPerSecond > (40 * 8 * 12) / summary.seconds, 'the training speed leaves the validation passes out');
  assert.is(summary.steps, 40);
  assert.is(summary.samples.length, 3);
  assert.ok(summary.finalLoss < summary.initialLoss, `loss ${summary.initialLoss} → ${summary.finalLoss}`);
  assert.ok(Math.abs(summary.initialLoss - Math.log(27)) < 0.3, `the first loss ${summary.initialLoss} is near ln 27`);
  const again = JSON.parse(run(...short, '--json').stdout.trim());
  for (const key of ['initialLoss', 'finalLoss', 'validationLoss', 'samples']) assert.equal(again[key], summary[key], key);
  const other = JSON.parse(run(...short, '--json', '--seed', '2').stdout.trim());
  assert.is.not(other.initialLoss, summary.initialLoss, 'another seed, another run');
  const svg = readFileSync(join(dir, 'loss.svg'), 'utf8');
  assert.match(svg, /<polyline class="loss"[^>]*points="[^"]+"/);
  assert.match(svg, /<polyline class="validation"[^>]*points="[^"]+"/);
});

test('train --val-fraction 0 trains on every line and reports no validation loss', () => {
  const result = run(...short, '--json', '--val-fraction', '0');
  assert.is(result.status, 0, result.stderr);
  assert.is(JSON.parse(result.stdout.trim()).validationLoss, null);
  assert.match(result.stderr, /Validation: none/);
  assert.not.match(result.stderr, /  val \d/, 'no validation loss in the progress line');
  const held = run(...short);
  assert.match(held.stdout, /Validation: 66 held-out lines \(5%\), never trained on\./);
  assert.match(held.stderr, /  val \d\.\d{3}/, 'the progress line shows the validation loss');
  assert.match(held.stdout, /o validation \(held-out lines\)/, 'the ASCII curve has the validation series');
});

test('the saved model loads in the library and `sample` generates from it, deterministically per seed', () => {
  const file = join(dir, 'model.safetensors');
  assert.ok(existsSync(file));
  const model = rn.CharModel.load(file);
  assert.is(model.hiddenSize, 16);
  const sample = run('sample', file, '-n', '4', '--temperature', '0.8', '--seed', '3');
  assert.is(sample.status, 0, sample.stderr);
  const lines = sample.stdout.trimEnd().split('\n');
  assert.is(lines.length, 4);
  for (const line of lines) assert.match(line, /^[a-z]*$/);
  assert.is(run('sample', file, '-n', '4', '--temperature', '0.8', '--seed', '3').stdout, sample.stdout);
  const prefixed = run('sample', file, '-n', '3', '--prefix', 'tyr');
  assert.is(prefixed.status, 0, prefixed.stderr);
  for (const line of prefixed.stdout.trimEnd().split('\n')) assert.match(line, /^tyr[a-z]*$/);
  const greedy = run('sample', file, '-n', '3', '--temperature', '0', '--seed', '1').stdout;
  const lines0 = greedy.trimEnd().split('\n');
  assert.is(new Set(lines0).size, 1, 'temperature 0: every line is the same, the most likely one');
  assert.is(run('sample', file, '-n', '3', '--temperature', '0', '--seed', '9').stdout, greedy, 'and no seed changes it');
  const unknown = run('sample', file, '--prefix', 'T#');
  assert.is(unknown.status, 1);
  assert.match(unknown.stderr, /^rnn-native: character "T" at 0 is not in the model's alphabet\n$/);
});

test('the bin runs by itself (shebang and executable bit, as npx runs it)', () => {
  const result = spawnSync(cli, ['--version'], { encoding: 'utf8' });
  assert.is(result.error, undefined, `could not execute ${cli}: ${result.error?.message}`);
  assert.is(result.status, 0, result.stderr);
  assert.match(result.stdout, /\d+\.\d+\.\d+/);
});

test('a corrupt model file is a one-line error with exit code 1', () => {
  const bad = join(dir, 'model.safetensors');
  writeFileSync(bad, readFileSync(bad).subarray(0, 100));
  const result = run('sample', bad);
  assert.is(result.status, 1);
  assert.match(result.stderr, /^rnn-native: .*model\.safetensors is not a valid safetensors file: .*truncated/);
  assert.is(result.stderr.trimEnd().split('\n').length, 1, 'one line');
});

test.after(() => rmSync(dir, { recursive: true, force: true }));
test.run();
