// The training text: a file of short lines (or one of the corpora shipped in data/), its alphabet, and a seeded batcher
// that draws random windows of token ids for teacher-forced next-character training.
import { statSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { RandomState } from '../random';
import { readTextFile, STDIN } from '../text-file';

/** data/ of the package: from dist/cli/corpus.js (and lib/cli/corpus.ts) it is ../../data/. */
const DATA_DIRECTORY = join(__dirname, '..', '..', 'data');

/**
 * The corpora shipped in data/, by the bare name `train` accepts in place of a file path (see data/README.md):
 * first-names, 8,403 English first names (PDDL 1.0 / CC0 1.0), and dinosaurs, 1,318 dinosaur genus names (WTFPL).
 */
export const SHIPPED_CORPORA: Readonly<Record<string, string>> = Object.freeze({
  'first-names': join(DATA_DIRECTORY, 'first-names.txt'),
  dinosaurs: join(DATA_DIRECTORY, 'dinosaurs.txt'),
});

/** The bare name of the corpus `train` uses without a file. */
export const DEFAULT_CORPUS = 'first-names';

/** The path of the corpus `train` uses without a file. */
export const DEFAULT_CORPUS_PATH = SHIPPED_CORPORA[DEFAULT_CORPUS] as string;

function isExistingNonDirectory(path: string): boolean {
  try {
    return !statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/**
 * The file `train` reads for its corpus argument: the default corpus for undefined; the argument itself when it names
 * an existing file (a file path that exists wins); else the shipped corpus of that bare name (`first-names`,
 * `dinosaurs`); else the argument, for readCorpus to report as missing.
 */
export function resolveCorpusPath(corpus?: string): string {
  if (corpus === undefined) return DEFAULT_CORPUS_PATH;
  if (isExistingNonDirectory(corpus)) return corpus;
  return Object.hasOwn(SHIPPED_CORPORA, corpus) ? (SHIPPED_CORPORA[corpus] as string) : corpus;
}

export interface Corpus {
  /** The file's base name, for messages. */
  name: string;
  /** The non-empty lines, without line breaks. */
  lines: string[];
  /** `lines.join('\n') + '\n'`: what the model reads, with '\n' ending every example. */
  text: string;
  /**
   * The distinct characters (code points) of `text` sorted by code point, '\n' always among them; a character's
   * index in `[...alphabet]` is its token id (as in CharModel).
   */
  alphabet: string;
  /** `text` as token ids, one per character (code point). */
  ids: Int32Array;
}

/**
 * Reads a corpus file (UTF-8, one example per line): the default shipped corpus when `path` is undefined, a shipped
 * corpus by its bare name (`first-names`, `dinosaurs`) unless a file of that name exists (see resolveCorpusPath),
 * standard input for `-`. Only regular files: a device, folder or FIFO is an error, as is invalid UTF-8.
 */
export function readCorpus(path?: string): Corpus {
  const file = resolveCorpusPath(path);
  let content: string;
  try {
    content = readTextFile(file, 'the corpus', { stdin: true });
  } catch (error) {
    // A bare word that is neither a file nor a shipped corpus (`train dinosaur`): say which names there are.
    if ((error as { code?: unknown }).code === 'ENOENT' && !/[/\\.]/.test(file)) {
      throw new Error(`${(error as Error).message} (the shipped corpora are ${Object.keys(SHIPPED_CORPORA).join(' and ')})`);
    }
    throw error;
  }
  return corpusFromText(content, file === STDIN ? 'stdin' : basename(file));
}

/** Builds a corpus from the contents of a text file: lines split on \n, \r\n or \r, empty lines dropped. */
export function corpusFromText(content: string, name = 'corpus'): Corpus {
  const lines = content
    .replace(/^\uFEFF/, '')
    .split(/\r\n|\r|\n/)
    .filter((line) => line.length > 0);
  if (lines.length === 0) throw new Error(`the corpus ${name} has no text: it needs at least one non-empty line`);
  lines.forEach((line, i) => {
    // Decoded UTF-8 has none; a string from elsewhere may. A lone surrogate is not a character.
    const lone = /[\uD800-\uDFFF]/u.exec(line);
    if (lone !== null) {
      const code = (line.charCodeAt(lone.index)).toString(16).toUpperCase();
      throw new Error(`the corpus ${name} has a lone surrogate (U+${code}) on line ${i + 1}: it is not text`);
    }
  });
  const text = lines.join('\n') + '\n';
  const alphabet = buildAlphabet(text);
  return { name, lines, text, alphabet, ids: encodeText(text, alphabet) };
}

/** The distinct characters (code points, so an emoji is one) of `text` sorted by code point, always with '\n'. */
export function buildAlphabet(text: string): string {
  const chars = new Set(text);
  chars.add('\n');
  return [...chars].sort((a, b) => (a.codePointAt(0) as number) - (b.codePointAt(0) as number)).join('');
}

/** `text` as indices into `[...alphabet]`, one per code point; a RangeError names the first one that is not in it. */
export function encodeText(text: string, alphabet: string): Int32Array {
  const index = new Map<string, number>();
  for (const character of alphabet) index.set(character, index.size);
  const characters = [...text];
  const ids = new Int32Array(characters.length);
  characters.forEach((character, i) => {
    const id = index.get(character);
    if (id === undefined) throw new RangeError(`character ${JSON.stringify(character)} at ${i} is not in the alphabet`);
    ids[i] = id;
  });
  return ids;
}

/**
 * The ids the model trains on: the corpus's lines in a random order drawn from `random` (Fisher–Yates), each ending
 * in '\n'. Sorted lists (both shipped corpora are alphabetical) would otherwise let a window copy the previous
 * line's prefix, which flatters the loss without teaching the model anything about names.
 */
export function shuffledIds(corpus: Pick<Corpus, 'lines' | 'alphabet'>, random: RandomState): Int32Array {
  const lines = corpus.lines.slice();
  for (let i = lines.length - 1; i > 0; --i) {
    const j = Math.floor(random.random() * (i + 1));
    [lines[i], lines[j]] = [lines[j] as string, lines[i] as string];
  }
  return encodeText(lines.join('\n') + '\n', corpus.alphabet);
}

/** One training batch in the layout of CharModel.trainStep: (batchSize, steps) row-major, index i * steps + t. */
export interface Batch {
  inputs: Int32Array;
  targets: Int32Array;
  batchSize: number;
  steps: number;
}

export interface BatcherOptions {
  batchSize: number;
  /** Characters per sequence. */
  steps: number;
  /** The generator that places the windows: the same seed gives the same batches. */
  random: RandomState;
}

/**
 * Draws `batchSize` windows of `steps + 1` consecutive ids, each at a uniformly random start, from the text read as a
 * ring (a window that runs past the end goes on at the start, right after the final '\n', so every position is equally
 * likely). inputs are a window's first `steps` ids, targets its last `steps`: the next character of each input.
 */
export class Batcher {
  readonly batchSize: number;
  readonly steps: number;
  readonly #ids: Int32Array;
  readonly #random: RandomState;

  constructor(ids: Int32Array, options: BatcherOptions) {
    const { batchSize, steps, random } = options;
    if (!Number.isSafeInteger(batchSize) || batchSize < 1) throw new RangeError(`batchSize must be a positive integer, got ${batchSize}`);
    if (!Number.isSafeInteger(steps) || steps < 1) throw new RangeError(`steps must be a positive integer, got ${steps}`);
    if (ids.length < 2) throw new RangeError(`the text must have at least 2 characters, got ${ids.length}`);
    this.batchSize = batchSize;
    this.steps = steps;
    this.#ids = ids;
    this.#random = random;
  }

  /** The next batch: fresh arrays each time. */
  next(): Batch {
    const { batchSize, steps } = this;
    const ids = this.#ids;
    const n = ids.length;
    const inputs = new Int32Array(batchSize * steps);
    const targets = new Int32Array(batchSize * steps);
    for (let i = 0; i < batchSize; ++i) {
      const start = Math.floor(this.#random.random() * n);
      for (let t = 0; t < steps; ++t) {
        inputs[i * steps + t] = ids[(start + t) % n] as number;
        targets[i * steps + t] = ids[(start + t + 1) % n] as number;
      }
    }
    return { inputs, targets, batchSize, steps };
  }
}
