// Reading the package's input files (corpora, model files) as strict UTF-8 text: only regular files (or stdin, as
// `-`), a UTF-8 byte-order mark skipped, and invalid UTF-8 an error naming the file and the byte offset, instead of
// a device that never ends (/dev/zero), a folder, a FIFO that blocks, or text silently turned into U+FFFD.
import * as fs from 'node:fs';

/** The path that stands for standard input. */
export const STDIN = '-';

/** What a file that is not a regular one is, for messages: `a directory`, `a device`, `a FIFO`, `a socket`. */
export function kindOf(stats: fs.Stats): string {
  if (stats.isDirectory()) return 'a directory';
  if (stats.isCharacterDevice() || stats.isBlockDevice()) return 'a device';
  if (stats.isFIFO()) return 'a FIFO';
  return 'a socket';
}

/** Why a file could not be read, in a few words. */
export function readFailure(error: unknown): string {
  const code = (error as { code?: unknown }).code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EISDIR') return 'it is a directory';
  if (code === 'EACCES') return 'permission denied';
  return (error as Error).message;
}

/** The offset of the first byte that does not start or continue a valid UTF-8 sequence (RFC 3629), or -1. */
export function invalidUtf8Offset(bytes: Uint8Array): number {
  for (let i = 0; i < bytes.length; ) {
    const lead = bytes[i] as number;
    let length: number;
    let low = 0x80;
    let high = 0xbf;
    if (lead < 0x80) length = 1;
    else if (lead >= 0xc2 && lead <= 0xdf) length = 2;
    else if (lead >= 0xe0 && lead <= 0xef) {
      length = 3;
      if (lead === 0xe0) low = 0xa0; // no overlong forms
      if (lead === 0xed) high = 0x9f; // no surrogates
    } else if (lead >= 0xf0 && lead <= 0xf4) {
      length = 4;
      if (lead === 0xf0) low = 0x90;
      if (lead === 0xf4) high = 0x8f; // nothing above U+10FFFF
    } else return i;
    for (let k = 1; k < length; ++k) {
      const next = bytes[i + k];
      if (next === undefined || next < (k === 1 ? low : 0x80) || next > (k === 1 ? high : 0xbf)) return i;
    }
    i += length;
  }
  return -1;
}

const strict = new TextDecoder('utf-8', { fatal: true });

/** `bytes` as text (a leading BOM dropped); an Error naming `what` and the offset of the first invalid byte. */
export function decodeUtf8(bytes: Uint8Array, what: string): string {
  try {
    return strict.decode(bytes);
  } catch {
    const offset = invalidUtf8Offset(bytes);
    throw new Error(`${what} is not valid UTF-8: invalid byte 0x${(bytes[offset] ?? 0).toString(16).padStart(2, '0')} at byte offset ${offset}`);
  }
}

/**
 * The bytes of `path`, which must be a regular file (or, with `stdin`, STDIN for standard input). `name` names it in
 * errors, which keep the system's `code`: `cannot read the corpus /dev/zero: it is a device, not a regular file`.
 */
export function readRegularFile(path: string, name: string, { stdin = false } = {}): Buffer {
  try {
    if (stdin && path === STDIN) return fs.readFileSync(0);
    // Open once and check what was opened (not the path, which could be swapped in between); O_NONBLOCK so that
    // opening a FIFO does not wait for a writer.
    const fd = fs.openSync(path, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
    try {
      const stats = fs.fstatSync(fd);
      if (!stats.isFile()) throw new Error(`it is ${kindOf(stats)}, not a regular file`);
      return fs.readFileSync(fd);
    } finally {
      fs.closeSync(fd);
    }
  } catch (error) {
    throw Object.assign(new Error(`cannot read ${name}: ${readFailure(error)}`), { code: (error as { code?: unknown }).code });
  }
}

/**
 * The text of `path`, which must be a regular file of UTF-8 (or, with `stdin`, STDIN for standard input). `what`
 * names it in errors, which keep the system's `code`: `cannot read the corpus /dev/zero: it is a device, not a
 * regular file`.
 */
export function readTextFile(path: string, what: string, { stdin = false } = {}): string {
  const name = stdin && path === STDIN ? `${what} from stdin` : `${what} ${path}`;
  return decodeUtf8(readRegularFile(path, name, { stdin }), name);
}
