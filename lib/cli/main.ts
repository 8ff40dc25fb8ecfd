#!/usr/bin/env node
// The `rnn-native` command. `train [corpus.txt]` trains a character-level language model with a progress bar, then
// shows the loss curve and samples (and writes --plot, --save, --json); `sample <model.safetensors>` generates from a saved
// model. Exit status: 0 done, 1 an error while running, 2 a mistake on the command line.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../atomic-write';
import type * as Blas from '../blas';
import type * as Model from '../model';
import { RandomState } from '../random';
import { STDIN } from '../text-file';
import { helpText, parseArgs, UsageError, type SampleCommand, type TrainCommand } from './args';
import { asciiChart } from './ascii-chart';
import { Batcher, readCorpus, resolveCorpusPath, shuffledIds } from './corpus';
import { checkOutputFiles, type OutputFile } from './output-path';
import { ProgressBar } from './progress';
import { svgChart } from './svg-chart';
import { holdOut, validatesAt } from './validation';
import { wrapText } from './wrap';

// The model and BLAS modules load the native addon: required only when a command needs them, so that --help and
// command-line mistakes work (and fail fast) without it.
const loadModel = (): typeof Model => require('../model') as typeof Model;
const loadBlas = (): typeof Blas => require('../blas') as typeof Blas;

/** What a finished training run reports (the --json line). */
export interface TrainSummary {
  initialLoss: number;
  finalLoss: number;
  /** The loss on the held-out lines after the last step; null without validation (--val-fraction 0). */
  validationLoss: number | null;
  steps: number;
  /** The whole run, validation passes included. */
  seconds: number;
  /** Characters trained on per second of training (validation passes left out). */
  charsPerSecond: number;
  samples: string[];
}

/** The loss at the end of training: the mean over the last 5% of the steps (at least 1, at most 100). */
export function finalLoss(losses: readonly number[]): number {
  const window = Math.max(1, Math.min(100, Math.round(losses.length * 0.05)));
  const tail = losses.slice(-window);
  return tail.reduce((a, b) => a + b, 0) / tail.length;
}

function cellName(cell: 'lstm' | 'rnn'): string {
  return cell === 'lstm' ? 'an LSTM' : 'a vanilla RNN';
}

const count = (n: number): string => n.toLocaleString('en-US');

/** Columns of the terminal loss chart at most. */
const CHART_WIDTH = 60;

/** Characters a line written to `stream` may have: one less than its terminal's width (so it never wraps), or any. */
function lineRoom(stream: NodeJS.WriteStream): number {
  return stream.isTTY && stream.columns > 1 ? stream.columns - 1 : Infinity;
}

/** Runs `write`; its failure (a full disk, say: the old file is kept) names the option and the file. */
function written(option: string, path: string, write: () => void): void {
  try {
    write();
  } catch (error) {
    throw new Error(`cannot write ${option} ${path}: ${(error as Error).message}`);
  }
}

async function train(options: TrainCommand): Promise<void> {
  // Fails before training, not after it, when an output file could not be written.
  const outputs: OutputFile[] = [];
  if (options.plot !== undefined) outputs.push({ option: '--plot', path: options.plot });
  if (options.save !== undefined) outputs.push({ option: '--save', path: options.save });
  const corpusPath = resolveCorpusPath(options.corpus);
  checkOutputFiles(outputs, corpusPath === STDIN ? [] : [{ what: 'the corpus', path: corpusPath }]);
  const corpus = readCorpus(options.corpus);
  // Human-oriented output goes to stdout, or to stderr when stdout is reserved for the --json line.
  const human = options.json ? process.stderr : process.stdout;
  // On a terminal, prose wraps at its width instead of being wrapped mid-word by it.
  const say = (line = ''): void => void human.write(wrapText(line, lineRoom(human)).join('\n') + '\n');

  const { CharModel, Adam } = loadModel();
  const blas = loadBlas();
  if (options.threads !== undefined) blas.setNumThreads(options.threads);

  const model = CharModel.create({ cell: options.cell, hiddenSize: options.hidden, alphabet: corpus.alphabet, seed: options.seed });
  try {
    model.checkTrainingMemory(options.batch, options.seqLength);
  } catch (error) {
    throw new UsageError(`--batch ${options.batch} with --seq-length ${options.seqLength} is too large: ${(error as Error).message}`);
  }
  const optimizer = new Adam({ learningRate: options.lr });
  const split = holdOut(corpus.lines, options.valFraction, new RandomState(options.seed));
  const batchRandom = new RandomState(options.seed);
  const batcher = new Batcher(shuffledIds({ lines: split.train, alphabet: corpus.alphabet }, batchRandom), {
    batchSize: options.batch, steps: options.seqLength, random: batchRandom,
  });
  const trainOptions = options.clip > 0 ? { optimizer, clipValue: options.clip } : { optimizer };
  const charsPerStep = options.batch * options.seqLength;

  const threads = blas.getNumThreads();
  say(
    `Training ${cellName(options.cell)} (${options.hidden} hidden units) on ${corpus.name}: ` +
      `${count(corpus.lines.length)} lines, ${count(corpus.ids.length)} characters, ${[...corpus.alphabet].length} distinct.`,
  );
  say(
    `${count(options.steps)} steps × ${options.batch} sequences × ${options.seqLength} characters, Adam lr ${options.lr}, ` +
      `clip ${options.clip > 0 ? options.clip : 'off'}, seed ${options.seed}, ${threads} BLAS thread${threads === 1 ? '' : 's'}.`,
  );
  say(
    split.validation.length > 0
      ? `Validation: ${count(split.validation.length)} held-out lines (${(100 * options.valFraction).toFixed(0)}%), never trained on.`
      : 'Validation: none (--val-fraction 0, or too few lines).',
  );

  // Ctrl+C once: stop after the current step and report what was learned so far. Twice: quit now.
  const progress = new ProgressBar({ total: options.steps, charsPerStep, stream: process.stderr });
  let stopRequested = false;
  const onInterrupt = (): void => {
    if (stopRequested) process.exit(130);
    stopRequested = true;
    progress.log('Stopping after this step (Ctrl+C again to quit now).');
  };
  process.on('SIGINT', onInterrupt);
  const losses: number[] = [];
  /** [step, validation loss] after the steps validatesAt picks, and after the last one. */
  const validation: Array<[number, number]> = [];
  let validationSeconds = 0;
  const validate = (step: number): void => {
    if (split.validation.length === 0 || validation.at(-1)?.[0] === step) return;
    const started = performance.now();
    const loss = model.loss(split.validation);
    validationSeconds += (performance.now() - started) / 1000;
    validation.push([step, loss]);
    progress.validation(loss);
  };
  const start = performance.now();
  try {
    for (let step = 1; step <= options.steps && !stopRequested; ++step) {
      const loss = await model.trainStepAsync(batcher.next(), trainOptions);
      losses.push(loss);
      if (validatesAt(step, options.steps)) validate(step);
      progress.update(step, loss);
    }
    if (losses.length > 0) validate(losses.length);
  } finally {
    process.off('SIGINT', onInterrupt);
    progress.finish();
  }
  const seconds = (performance.now() - start) / 1000;
  if (losses.length === 0) throw new Error('training stopped before the first step');

  const summary: TrainSummary = {
    initialLoss: losses[0] as number,
    finalLoss: finalLoss(losses),
    validationLoss: validation.at(-1)?.[1] ?? null,
    steps: losses.length,
    seconds,
    // Training speed: the validation passes are not training.
    charsPerSecond: (losses.length * charsPerStep) / (seconds - validationSeconds),
    samples: [],
  };
  const random = new RandomState(options.seed);
  for (let i = 0; i < options.samples; ++i) summary.samples.push(model.sample({ random }));

  say();
  human.write(asciiChart(losses, { width: CHART_WIDTH, columns: lineRoom(human), title: 'Loss per character (nats) by step', validation }) + '\n');
  say();
  const ratio = (100 * summary.finalLoss) / summary.initialLoss;
  say(
    `Loss ${summary.initialLoss.toFixed(3)} -> ${summary.finalLoss.toFixed(3)} (${ratio.toFixed(0)}% of the first step's) ` +
      `in ${count(summary.steps)} steps, ${seconds.toFixed(1)} s, ${count(Math.round(summary.charsPerSecond))} characters/s.` +
      (summary.validationLoss === null ? '' : ` Validation loss ${summary.validationLoss.toFixed(3)}.`),
  );
  if (summary.samples.length > 0) {
    say();
    say('Samples:');
    for (const sample of summary.samples) say(`  ${sample}`);
  }

  if (options.plot !== undefined) {
    const subtitle =
      `${options.cell.toUpperCase()}, ${options.hidden} hidden units, ${corpus.name}; batch ${options.batch} × ${options.seqLength}, ` +
      `Adam lr ${options.lr}, seed ${options.seed}`;
    written('--plot', options.plot, () => writeFileAtomic(options.plot as string, svgChart(losses, { subtitle, validation })));
    say(`Wrote the loss chart to ${options.plot}.`);
  }
  if (options.save !== undefined) {
    written('--save', options.save, () => model.save(options.save as string));
    say(`Saved the model to ${options.save} (try: rnn-native sample ${options.save} -n 10 --temperature 0.8).`);
  }
  if (options.json) process.stdout.write(JSON.stringify(summary) + '\n');
}

function sample(options: SampleCommand): void {
  const { CharModel } = loadModel();
  const model = CharModel.load(options.model);
  const random = new RandomState(options.seed);
  const lines: string[] = [];
  for (let i = 0; i < options.n; ++i) {
    lines.push(model.sample({ random, temperature: options.temperature, maxLength: options.maxLength, prefix: options.prefix }));
  }
  process.stdout.write(lines.join('\n') + '\n');
}

function version(): string {
  const pkg = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')) as { version?: unknown };
  return String(pkg.version);
}

function message(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.startsWith('rnn-native: ') ? text : `rnn-native: ${text}`;
}

/** Runs the command line (the words after `rnn-native`) and resolves to the exit status. */
export async function main(argv: readonly string[]): Promise<number> {
  try {
    const command = parseArgs(argv);
    switch (command.command) {
      case 'help':
        (command.exitCode === 0 ? process.stdout : process.stderr).write(helpText(command.topic) + '\n');
        return command.exitCode;
      case 'version':
        process.stdout.write(version() + '\n');
        return 0;
      case 'train':
        await train(command);
        return 0;
      case 'sample':
        sample(command);
        return 0;
    }
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`${message(error)}\n`);
      return error.exitCode;
    }
    process.stderr.write(`${message(error)}\n`);
    return 1;
  }
}

if (require.main === module) {
  // `rnn-native sample model.safetensors | head -3` closes stdout early: that is not an error.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(0);
    throw error;
  });
  // Nor is a closed stderr (`2> >(head -1)`), which only carries the progress and messages: the run goes on without
  // them (stopping would lose the training run and its --save), and what else it writes there is dropped.
  process.stderr.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE' && error.code !== 'ERR_STREAM_DESTROYED') throw error;
  });
  main(process.argv.slice(2)).then(
    (status) => {
      process.exitCode = status;
    },
    (error: unknown) => {
      process.stderr.write(`${message(error)}\n`);
      process.exitCode = 1;
    },
  );
}
