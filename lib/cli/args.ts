// The command line of `rnn-native`: `train [corpus.txt]`, `sample <model.safetensors>`, `--help`, `--version`. Parsing is
// pure (argv in, a typed command out); every bad word or value is a one-line UsageError that names the option.
import { parseArgs as parseNodeArgs } from 'node:util';
import { didYouMean } from './suggest';

/** A mistake on the command line: `main` prints its one-line message and exits with status 2. */
export class UsageError extends Error {
  readonly exitCode = 2;
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export type CellKind = 'lstm' | 'rnn';

export interface TrainCommand {
  command: 'train';
  /** The corpus file or the bare name of a shipped corpus (first-names, dinosaurs), or undefined for the default. */
  corpus: string | undefined;
  cell: CellKind;
  hidden: number;
  seqLength: number;
  batch: number;
  lr: number;
  steps: number;
  /** Elementwise gradient clip value; 0 turns clipping off. */
  clip: number;
  seed: number;
  /** The compute team's threads (setNumThreads), or undefined to keep the default. */
  threads: number | undefined;
  samples: number;
  /** The share of the corpus's lines held out (chosen by the seed) to measure the validation loss; 0: none. */
  valFraction: number;
  plot: string | undefined;
  save: string | undefined;
  json: boolean;
}

export interface SampleCommand {
  command: 'sample';
  model: string;
  n: number;
  /** 0 takes the most likely character every step (greedy decoding). */
  temperature: number;
  seed: number;
  maxLength: number;
  /** Text every line starts with, fed to the model before it generates the rest. */
  prefix: string;
}

export interface HelpCommand {
  command: 'help';
  /** The command whose help was asked for (`rnn-native train --help`), or undefined for the general help. */
  topic: 'train' | 'sample' | undefined;
  /** 0 when help was asked for (printed on stdout); 2 for a bare `rnn-native` (usage on stderr: a mistake). */
  exitCode: 0 | 2;
}

export interface VersionCommand {
  command: 'version';
}

export type Command = TrainCommand | SampleCommand | HelpCommand | VersionCommand;

/** Defaults of `train`, sized for the default corpus (data/first-names.txt). */
export const TRAIN_DEFAULTS = {
  cell: 'lstm',
  hidden: 128,
  seqLength: 24,
  batch: 32,
  lr: 0.01,
  steps: 3000,
  clip: 5,
  seed: 1,
  samples: 5,
  valFraction: 0.05,
} as const satisfies Partial<TrainCommand>;

/** Defaults of `sample`. */
export const SAMPLE_DEFAULTS = {
  n: 10,
  temperature: 1,
  seed: 1,
  maxLength: 100,
  prefix: '',
} as const satisfies Partial<SampleCommand>;

const TRAIN_USAGE = 'rnn-native train [corpus.txt | first-names | dinosaurs] [options]';
const SAMPLE_USAGE = 'rnn-native sample <model.safetensors> [options]';

const TRAIN_HELP = `Usage: ${TRAIN_USAGE}

Trains a character-level language model on a text file, one example per line (a name, a word, a short sentence),
in UTF-8 (\`-\` reads it from stdin). Shows a progress bar while it runs, then the loss curve and a few generated lines.

Two corpora are shipped with the package (in its data/ folder; see data/README.md for their sources and licenses),
and can be named instead of a file (a file of that name, if there is one, wins):
  first-names          8,403 English first names (the default, when no file is given)
                       node_modules/rnn-native/data/first-names.txt
  dinosaurs            1,318 dinosaur genus names
                       node_modules/rnn-native/data/dinosaurs.txt

Options:
  --cell lstm|rnn      the recurrent cell (default ${TRAIN_DEFAULTS.cell})
  --hidden N           hidden units (default ${TRAIN_DEFAULTS.hidden})
  --seq-length N       characters per training sequence (default ${TRAIN_DEFAULTS.seqLength})
  --batch N            sequences per step (default ${TRAIN_DEFAULTS.batch})
  --lr X               Adam learning rate (default ${TRAIN_DEFAULTS.lr})
  --steps N            training steps (default ${TRAIN_DEFAULTS.steps})
  --clip X             clip every gradient element to [-X, X]; 0 turns clipping off (default ${TRAIN_DEFAULTS.clip})
  --seed N             seed of the initial weights, the batches and the samples (default ${TRAIN_DEFAULTS.seed})
  --threads N          compute threads (default: one per core, or OPENBLAS_NUM_THREADS)
  --samples N          lines to generate at the end (default ${TRAIN_DEFAULTS.samples})
  --val-fraction X     share of the lines held out (chosen by the seed) for the validation loss; 0: none
                       (default ${TRAIN_DEFAULTS.valFraction})
  --plot FILE.svg      also draw the loss curves as an SVG chart
  --save FILE          save the trained model as safetensors (for rnn-native sample)
  --json               end with one line of JSON on stdout (everything else goes to stderr):
                       { "initialLoss", "finalLoss", "validationLoss", "steps", "seconds", "charsPerSecond",
                         "samples" }
  -h, --help           this help

Losses are in nats per character. finalLoss is the mean over the last 5% of the steps (1 to 100 steps);
validationLoss is the loss on the held-out lines after the last step (null without validation).
Ctrl+C stops training early and still prints the results; a second Ctrl+C quits at once.`;

const SAMPLE_HELP = `Usage: ${SAMPLE_USAGE}

Generates lines from a model saved by rnn-native train --save, one per line.

Options:
  -n N                 how many lines (default ${SAMPLE_DEFAULTS.n})
  --temperature X      below 1 is more conservative, above 1 more adventurous; 0 always takes the most likely
                       character (default ${SAMPLE_DEFAULTS.temperature})
  --prefix TEXT        start every line with TEXT and generate the rest
  --seed N             seed of the sampling (default ${SAMPLE_DEFAULTS.seed})
  --max-length N       stop a line after N characters (default ${SAMPLE_DEFAULTS.maxLength})
  -h, --help           this help`;

const GENERAL_HELP = `Usage: ${TRAIN_USAGE}
       ${SAMPLE_USAGE}
       rnn-native --help | --version

Character-level language models (LSTM or vanilla RNN) trained in native code on OpenBLAS.

Commands:
  train      train a model on a text file (or on the shipped first names) and show how it learned
  sample     generate lines from a saved model

Examples:
  npx rnn-native train
  npx rnn-native train dinosaurs --steps 1000
  npx rnn-native train names.txt --cell rnn --hidden 128 --steps 5000 --plot loss.svg --save model.safetensors
  npx rnn-native sample model.safetensors -n 10 --temperature 0.8

Run rnn-native train --help or rnn-native sample --help for their options.`;

/** The help text of a command, or the general help. */
export function helpText(topic?: 'train' | 'sample'): string {
  if (topic === 'train') return TRAIN_HELP;
  if (topic === 'sample') return SAMPLE_HELP;
  return GENERAL_HELP;
}

const TRAIN_OPTIONS = {
  cell: { type: 'string' },
  hidden: { type: 'string' },
  'seq-length': { type: 'string' },
  batch: { type: 'string' },
  lr: { type: 'string' },
  steps: { type: 'string' },
  clip: { type: 'string' },
  seed: { type: 'string' },
  threads: { type: 'string' },
  samples: { type: 'string' },
  'val-fraction': { type: 'string' },
  plot: { type: 'string' },
  save: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

const SAMPLE_OPTIONS = {
  n: { type: 'string', short: 'n' },
  temperature: { type: 'string' },
  seed: { type: 'string' },
  'max-length': { type: 'string' },
  prefix: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

const COMMANDS = ['train', 'sample', 'help'];

type Values = Record<string, string | boolean | undefined>;

/** Parses the words after `rnn-native` (`process.argv.slice(2)`). Throws a UsageError for anything wrong. */
export function parseArgs(argv: readonly string[]): Command {
  const [first, ...rest] = argv;
  if (first === undefined) return { command: 'help', topic: undefined, exitCode: 2 };
  if (first === '-h' || first === '--help' || first === 'help') {
    const topic = rest[0];
    return { command: 'help', topic: first === 'help' && (topic === 'train' || topic === 'sample') ? topic : undefined, exitCode: 0 };
  }
  if (first === '--version' || first === '-v') return { command: 'version' };
  if (first === 'train') return parseTrain(rest);
  if (first === 'sample') return parseSample(rest);
  if (first.startsWith('-')) throw new UsageError(`expected a command (train or sample) before ${optionName(first)}`);
  throw new UsageError(`unknown command '${first}': the commands are train and sample${didYouMean(first, COMMANDS)}`);
}

function parseTrain(argv: string[]): TrainCommand | HelpCommand {
  const { values, positionals } = parseWords('train', argv, TRAIN_OPTIONS);
  if (values['help'] === true) return { command: 'help', topic: 'train', exitCode: 0 };
  if (positionals.length > 1) {
    throw new UsageError(`train takes at most one corpus file, got ${positionals.length}: ${positionals.join(' ')}`);
  }
  const cell = stringValue(values, 'cell') ?? TRAIN_DEFAULTS.cell;
  if (cell !== 'lstm' && cell !== 'rnn') throw new UsageError(`--cell must be lstm or rnn, got '${cell}'`);
  return {
    command: 'train',
    corpus: nonEmpty(positionals[0], 'the corpus file'),
    cell,
    hidden: integer(values, 'hidden', TRAIN_DEFAULTS.hidden, 1, 4096),
    seqLength: integer(values, 'seq-length', TRAIN_DEFAULTS.seqLength, 1, 100_000),
    batch: integer(values, 'batch', TRAIN_DEFAULTS.batch, 1, 100_000),
    lr: real(values, 'lr', TRAIN_DEFAULTS.lr, 'positive'),
    steps: integer(values, 'steps', TRAIN_DEFAULTS.steps, 1, 1_000_000_000),
    clip: real(values, 'clip', TRAIN_DEFAULTS.clip, 'non-negative'),
    seed: integer(values, 'seed', TRAIN_DEFAULTS.seed, 0, 0xffffffff, true),
    threads: values['threads'] === undefined ? undefined : integer(values, 'threads', 1, 1, 1024),
    samples: integer(values, 'samples', TRAIN_DEFAULTS.samples, 0, 100_000),
    valFraction: fraction(values, 'val-fraction', TRAIN_DEFAULTS.valFraction),
    plot: svgPath(nonEmpty(stringValue(values, 'plot'), '--plot')),
    save: nonEmpty(stringValue(values, 'save'), '--save'),
    json: values['json'] === true,
  };
}

function parseSample(argv: string[]): SampleCommand | HelpCommand {
  const { values, positionals } = parseWords('sample', argv, SAMPLE_OPTIONS);
  if (values['help'] === true) return { command: 'help', topic: 'sample', exitCode: 0 };
  if (positionals.length !== 1) {
    throw new UsageError(
      positionals.length === 0
        ? `sample needs a model file: ${SAMPLE_USAGE}`
        : `sample takes one model file, got ${positionals.length}: ${positionals.join(' ')}`,
    );
  }
  return {
    command: 'sample',
    model: nonEmpty(positionals[0], 'the model file') as string,
    n: integer(values, 'n', SAMPLE_DEFAULTS.n, 1, 1_000_000),
    temperature: real(values, 'temperature', SAMPLE_DEFAULTS.temperature, 'non-negative'),
    seed: integer(values, 'seed', SAMPLE_DEFAULTS.seed, 0, 0xffffffff, true),
    maxLength: integer(values, 'max-length', SAMPLE_DEFAULTS.maxLength, 1, 1_000_000),
    prefix: stringValue(values, 'prefix') ?? SAMPLE_DEFAULTS.prefix,
  };
}

/** node:util parseArgs, with its multi-line errors turned into one short line that names the option. */
function parseWords(
  command: string,
  argv: string[],
  options: typeof TRAIN_OPTIONS | typeof SAMPLE_OPTIONS,
): { values: Values; positionals: string[] } {
  try {
    const { values, positionals } = parseNodeArgs({ args: argv, options, strict: true, allowPositionals: true });
    return { values: values as Values, positionals };
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    const message = error instanceof Error ? error.message : String(error);
    const quoted = /'(-[^' ]*)/.exec(message)?.[1];
    const name = quoted === undefined ? 'an option' : optionName(quoted);
    if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
      const suggestion = didYouMean(name, Object.keys(options).map(flag));
      throw new UsageError(`unknown option ${name} for ${command}${suggestion || ` (see rnn-native ${command} --help)`}`);
    }
    if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
      if (/does not take an argument/.test(message)) throw new UsageError(`${name} takes no value`);
      const next = argv[argv.indexOf(quoted ?? '') + 1];
      if (/ambiguous/.test(message) && next !== undefined) {
        throw new UsageError(`${name} needs a value, got the option-like '${next}' (write ${name}=${next} if you mean it)`);
      }
      throw new UsageError(`${name} needs a value`);
    }
    if (code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') {
      throw new UsageError(`unexpected argument for ${command} (see rnn-native ${command} --help)`);
    }
    throw new UsageError(message.split('\n')[0] ?? message);
  }
}

/** `--hidden` for `--hidden`, `-n` for `-n`, `--lr` for `--lr=0.1`. */
function optionName(word: string): string {
  const bare = word.split('=')[0] ?? word;
  return bare.startsWith('--') ? bare : bare.startsWith('-') && bare.length > 1 ? bare.slice(0, 2) : bare;
}

function flag(name: string): string {
  return name.length === 1 ? `-${name}` : `--${name}`;
}

function stringValue(values: Values, name: string): string | undefined {
  const value = values[name];
  return typeof value === 'string' ? value : undefined;
}

function nonEmpty(value: string | undefined, what: string): string | undefined {
  if (value !== undefined && value.trim() === '') throw new UsageError(`${what} must not be empty`);
  return value;
}

/** An integer option in [min, max]; the message names max only if it is a real limit (not just a sanity cap). */
function integer(values: Values, name: string, fallback: number, min: number, max: number, nameMax = max < 1_000_000): number {
  const text = stringValue(values, name);
  if (text === undefined) return fallback;
  const value = /^[+]?\d+$/.test(text.trim()) ? Number(text.trim()) : Number.NaN;
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    const range = nameMax ? `from ${min} to ${max}` : `≥ ${min}`;
    throw new UsageError(`${flag(name)} must be an integer ${range}, got '${text}'`);
  }
  return value;
}

/** A share in [0, 1). */
function fraction(values: Values, name: string, fallback: number): number {
  const text = stringValue(values, name);
  if (text === undefined) return fallback;
  const value = text.trim() === '' ? Number.NaN : Number(text);
  if (!(value >= 0 && value < 1)) throw new UsageError(`${flag(name)} must be a number from 0 to below 1, got '${text}'`);
  return value;
}

/** --plot writes SVG only: another extension would be a file no viewer opens as what its name says. */
function svgPath(path: string | undefined): string | undefined {
  if (path !== undefined && !/\.svg$/i.test(path)) {
    throw new UsageError(`--plot writes SVG only: give a file name ending in .svg, got '${path}'`);
  }
  return path;
}

function real(values: Values, name: string, fallback: number, sign: 'positive' | 'non-negative'): number {
  const text = stringValue(values, name);
  if (text === undefined) return fallback;
  const value = text.trim() === '' ? Number.NaN : Number(text);
  const ok = Number.isFinite(value) && (sign === 'positive' ? value > 0 : value >= 0);
  if (!ok) throw new UsageError(`${flag(name)} must be a ${sign} number, got '${text}'`);
  return value;
}
