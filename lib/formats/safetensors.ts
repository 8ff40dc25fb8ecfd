// The safetensors format (LAYERS.md §4), the one PyTorch and Hugging Face use: an 8-byte little-endian u64 header
// length N, N bytes of UTF-8 JSON `{ name: { dtype, shape, data_offsets: [begin, end] }, "__metadata__": { string:
// string } }`, then the tensors' raw little-endian row-major bytes, offsets counted from the end of the header.
//
// The reader checks the whole header against the file's size before it allocates anything for the data: a header
// of at most 100 MB that lies inside the file, UTF-8 JSON without repeated keys, known dtypes, shapes of
// non-negative safe integers, byte counts equal to dtype × shape, and tensors that tile the data exactly
// (contiguous, non-overlapping, nothing after the last). Anything else is an Error (ERR_RNN_MODEL_FILE) naming the
// file and the problem.
import * as fs from 'node:fs';
import { libraryError } from '../errors';
import { shapeText, type Float, type Tensor } from '../tensor';
import { kindOf, readFailure } from '../text-file';
import { checkMemory, sizeOf, typedArrayKind } from '../validate';

/** The largest header the reader accepts (the limit of the reference implementation). */
export const MAX_HEADER_BYTES = 100_000_000;

/** The bytes of one element of every dtype of the format; the reader converts only the float ones. */
const DTYPE_BYTES: Readonly<Record<string, number>> = {
  BOOL: 1, U8: 1, I8: 1, F8_E5M2: 1, F8_E4M3: 1, I16: 2, U16: 2, F16: 2, BF16: 2, I32: 4, U32: 4, F32: 4, I64: 8, U64: 8, F64: 8,
};

const ENTRY_KEYS = ['dtype', 'shape', 'data_offsets'];

/** One tensor of a file: its dtype (`F32`, `BF16`, `I64`, …), shape and raw bytes (a view of the file's). */
export interface StoredTensor {
  readonly dtype: string;
  readonly shape: readonly number[];
  readonly bytes: Uint8Array;
}

export interface SafetensorsContents {
  /** In the order of their data in the file. */
  readonly tensors: ReadonlyMap<string, StoredTensor>;
  /** `__metadata__`, or an empty object when the file has none. */
  readonly metadata: Readonly<Record<string, string>>;
}

const LITTLE_ENDIAN = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;

/** The Error for a file that is not valid safetensors. */
function formatError(source: string, problem: string): Error {
  return libraryError(Error, 'ERR_RNN_MODEL_FILE', `${source} is not a valid safetensors file: ${problem}`);
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

const quoted = (value: unknown): string => JSON.stringify(value)?.slice(0, 60) ?? String(value);

/**
 * The first key that appears twice in one object of `text` (valid JSON), or undefined. JSON.parse keeps the last
 * of repeated keys silently, so two entries of one name (or two `dtype`s of one entry) would hide one of them.
 */
function repeatedKey(text: string): string | undefined {
  const open: (Set<string> | null)[] = [];
  for (let i = 0; i < text.length; ++i) {
    const c = text[i];
    if (c === '{') open.push(new Set());
    else if (c === '[') open.push(null);
    else if (c === '}' || c === ']') open.pop();
    else if (c === '"') {
      let end = i + 1;
      while (text[end] !== '"') end += text[end] === '\\' ? 2 : 1;
      const string = JSON.parse(text.slice(i, end + 1)) as string;
      i = end;
      let next = end + 1;
      while (/\s/.test(text[next] ?? '')) ++next;
      const keys = open.at(-1);
      if (text[next] === ':' && keys) {
        if (keys.has(string)) return string;
        keys.add(string);
      }
    }
  }
  return undefined;
}

interface Entry {
  readonly name: string;
  readonly dtype: string;
  readonly shape: readonly number[];
  readonly begin: number;
  readonly end: number;
}

/** One tensor's entry of the header, checked on its own and against the `dataLength` bytes after the header. */
function checkEntry(name: string, value: unknown, dataLength: number, fail: (problem: string) => Error): Entry {
  const what = `tensor ${quoted(name)}`;
  if (!isRecord(value)) throw fail(`${what} must be an object { dtype, shape, data_offsets }, got ${quoted(value)}`);
  for (const key of Object.keys(value)) if (!ENTRY_KEYS.includes(key)) throw fail(`${what} has an unknown field ${quoted(key)}`);
  for (const key of ENTRY_KEYS) if (!(key in value)) throw fail(`${what} has no ${key}`);
  const { dtype, shape, data_offsets: offsets } = value;
  if (typeof dtype !== 'string' || !Object.hasOwn(DTYPE_BYTES, dtype)) throw fail(`${what} has an unknown dtype ${quoted(dtype)}`);
  const isCount = (d: unknown): d is number => Number.isSafeInteger(d) && (d as number) >= 0;
  if (!Array.isArray(shape) || !shape.every(isCount)) throw fail(`${what} has shape ${quoted(shape)}: dimensions must be non-negative integers`);
  const elements = sizeOf(shape);
  if (!Number.isSafeInteger(elements)) throw fail(`${what} has shape ${shapeText(shape)}: too many elements`);
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isCount)) {
    throw fail(`${what} has data_offsets ${quoted(offsets)}: they must be two non-negative integers [begin, end]`);
  }
  const [begin, end] = offsets as [number, number];
  if (begin > end) throw fail(`${what} has data_offsets [${begin}, ${end}]: begin is after end`);
  if (end > dataLength) {
    throw fail(`${what} has data_offsets [${begin}, ${end}], past the end of the data (${dataLength} bytes after the header): the file is truncated or corrupt`);
  }
  const needed = elements * (DTYPE_BYTES[dtype] as number);
  if (end - begin !== needed) throw fail(`${what} has ${end - begin} bytes, but ${dtype} × ${shapeText(shape)} needs ${needed}`);
  return { name, dtype, shape: Object.freeze([...shape]), begin, end };
}

/** The metadata of a header: an object of strings. */
function checkMetadata(value: unknown, fail: (problem: string) => Error): Record<string, string> {
  if (!isRecord(value)) throw fail(`__metadata__ must be an object of strings, got ${quoted(value)}`);
  for (const [key, entry] of Object.entries(value)) {
    if (typeof entry !== 'string') throw fail(`__metadata__.${key} must be a string, got ${quoted(entry)}`);
  }
  return Object.freeze({ ...value }) as Record<string, string>;
}

/** The entries of a header (sorted by offset) and its metadata, every rule of the format checked. */
function parseHeader(header: Uint8Array, dataLength: number, fail: (problem: string) => Error): { entries: Entry[]; metadata: Record<string, string> } {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(header);
  } catch {
    throw fail('its header is not UTF-8 text');
  }
  if (!text.startsWith('{')) throw fail(`its header must be a JSON object, but it starts with ${quoted(text.slice(0, 20))}`);
  let root: unknown;
  try {
    root = JSON.parse(text);
  } catch (error) {
    throw fail(`its header is not JSON (${(error as Error).message})`);
  }
  const repeated = repeatedKey(text);
  if (repeated !== undefined) throw fail(`its header has the key ${quoted(repeated)} twice in one object`);
  if (!isRecord(root)) throw fail('its header must be a JSON object');
  let metadata: Record<string, string> = {};
  const entries: Entry[] = [];
  for (const [name, value] of Object.entries(root)) {
    if (name === '__metadata__') metadata = checkMetadata(value, fail);
    else entries.push(checkEntry(name, value, dataLength, fail));
  }
  entries.sort((a, b) => a.begin - b.begin || a.end - b.end);
  let cursor = 0;
  let previous: Entry | undefined;
  for (const entry of entries) {
    if (entry.begin < cursor) {
      throw fail(`tensors ${quoted(previous?.name)} [${previous?.begin}, ${previous?.end}] and ${quoted(entry.name)} [${entry.begin}, ${entry.end}] overlap`);
    }
    if (entry.begin > cursor) throw fail(`the ${entry.begin - cursor} bytes before tensor ${quoted(entry.name)} belong to no tensor`);
    cursor = entry.end;
    previous = entry;
  }
  if (cursor !== dataLength) throw fail(`the ${dataLength - cursor} bytes after the last tensor belong to no tensor`);
  return { entries, metadata };
}

/** The header length of the first 8 bytes, checked against the limit and the file's `size`. */
function headerLength(first8: Uint8Array, size: number, fail: (problem: string) => Error): number {
  if (size < 8) throw fail(`it has ${size} bytes, fewer than the 8 of the header length`);
  const n = new DataView(first8.buffer, first8.byteOffset, 8).getBigUint64(0, true);
  if (n > BigInt(MAX_HEADER_BYTES)) throw fail(`its header length ${n} is more than the ${MAX_HEADER_BYTES / 1e6} MB limit`);
  if (8n + n > BigInt(size)) throw fail(`its header length ${n} runs past the end of the file (${size} bytes): the file is truncated or corrupt`);
  return Number(n);
}

function contents(entries: Entry[], metadata: Record<string, string>, data: Uint8Array): SafetensorsContents {
  const tensors = new Map<string, StoredTensor>();
  for (const { name, dtype, shape, begin, end } of entries) tensors.set(name, Object.freeze({ dtype, shape, bytes: data.subarray(begin, end) }));
  return { tensors, metadata };
}

/** Fills `target` from `fd` at `position`; an Error when the file ends first (it shrank while being read). */
function readFully(fd: number, target: Uint8Array, position: number, fail: (problem: string) => Error): void {
  for (let done = 0; done < target.length; ) {
    const count = fs.readSync(fd, target, done, target.length - done, position + done);
    if (count === 0) throw fail('the file became shorter while it was read');
    done += count;
  }
}

/** The contents of a safetensors file (a regular file; its header is read and checked before its data). */
function readFile(path: string, source: string): SafetensorsContents {
  const fail = (problem: string) => formatError(source, problem);
  let fd: number;
  try {
    fd = fs.openSync(path, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
  } catch (error) {
    throw Object.assign(new Error(`cannot read ${source}: ${readFailure(error)}`), { code: (error as { code?: unknown }).code });
  }
  try {
    const stats = fs.fstatSync(fd);
    if (!stats.isFile()) throw libraryError(Error, 'ERR_RNN_MODEL_FILE', `cannot read ${source}: it is ${kindOf(stats)}, not a regular file`);
    const first8 = new Uint8Array(8);
    if (stats.size >= 8) readFully(fd, first8, 0, fail);
    const n = headerLength(first8, stats.size, fail);
    const header = new Uint8Array(n);
    readFully(fd, header, 8, fail);
    const dataLength = stats.size - 8 - n;
    const { entries, metadata } = parseHeader(header, dataLength, fail);
    checkMemory(dataLength, 1, { bytes: dataLength }, `the tensors of ${source} need {}`);
    const data = new Uint8Array(dataLength);
    readFully(fd, data, 8 + n, fail);
    return contents(entries, metadata, data);
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * The tensors and metadata of the safetensors file at `input` (a path) or in `input` (its bytes). `source` names it
 * in errors. Tensors' bytes are views of one buffer: the file's data, or `input` itself.
 */
export function readSafetensors(input: string | Uint8Array, source: string): SafetensorsContents {
  if (typeof input === 'string') return readFile(input, source);
  const fail = (problem: string) => formatError(source, problem);
  const n = headerLength(input.subarray(0, 8), input.length, fail);
  const { entries, metadata } = parseHeader(input.subarray(8, 8 + n), input.length - 8 - n, fail);
  return contents(entries, metadata, input.subarray(8 + n));
}

/** IEEE half precision bits as a number (exact in float32). */
function halfValue(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0) return sign * fraction * 2 ** -24;
  if (exponent === 31) return fraction === 0 ? sign * Infinity : NaN;
  return sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
}

/** The little-endian `bytes` as F32 or F64 values: a view where they are aligned on a little-endian machine, else a copy. */
function wordValues(bytes: Uint8Array, Array: typeof Float32Array | typeof Float64Array): Float {
  const size = Array.BYTES_PER_ELEMENT;
  const count = bytes.length / size;
  if (LITTLE_ENDIAN) {
    if (bytes.byteOffset % size === 0) return new Array(bytes.buffer as ArrayBuffer, bytes.byteOffset, count);
    const aligned = new Uint8Array(bytes.length);
    aligned.set(bytes);
    return new Array(aligned.buffer);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  const values = new Array(count);
  for (let i = 0; i < count; ++i) values[i] = size === 4 ? view.getFloat32(4 * i, true) : view.getFloat64(8 * i, true);
  return values;
}

/**
 * The values of a float tensor: F64 as a Float64Array; F32, F16 and BF16 as a Float32Array (F16 and BF16 convert
 * exactly). Undefined for the other dtypes.
 */
export function floatValues(tensor: StoredTensor): Float | undefined {
  const { bytes } = tensor;
  switch (tensor.dtype) {
    case 'F64':
      return wordValues(bytes, Float64Array);
    case 'F32':
      return wordValues(bytes, Float32Array);
    case 'F16':
    case 'BF16': {
      const values = new Float32Array(bytes.length / 2);
      const bits = new Uint32Array(values.buffer);
      for (let i = 0; i < values.length; ++i) {
        const half = (bytes[2 * i] as number) | ((bytes[2 * i + 1] as number) << 8);
        // bfloat16 is the high half of a float32: its bits move up, NaN payloads and all.
        if (tensor.dtype === 'BF16') bits[i] = half << 16;
        else values[i] = halfValue(half);
      }
      return values;
    }
    default:
      return undefined;
  }
}

/**
 * The safetensors bytes of `tensors` (Float32Array data as F32, Float64Array as F64) with `metadata`. F64 tensors
 * come first, then F32, each in the order given, and the header is padded with spaces to a multiple of 8 bytes, so
 * every tensor's data is aligned to its element size (a reader can view it without copying).
 */
export function encodeSafetensors(tensors: Readonly<Record<string, Tensor>>, metadata: Readonly<Record<string, string>>): Uint8Array {
  const named = Object.entries(tensors).map(([name, { data, shape }]) => ({ name, data, shape, wide: typedArrayKind(data) === 'Float64Array' }));
  const ordered = [...named.filter((t) => t.wide), ...named.filter((t) => !t.wide)];
  const header: Record<string, unknown> = { __metadata__: metadata };
  let offset = 0;
  for (const { name, data, shape, wide } of ordered) {
    header[name] = { dtype: wide ? 'F64' : 'F32', shape, data_offsets: [offset, offset + data.byteLength] };
    offset += data.byteLength;
  }
  const json = new TextEncoder().encode(JSON.stringify(header));
  const n = json.length + ((8 - (json.length % 8)) % 8);
  const out = new Uint8Array(8 + n + offset);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(n), true);
  out.set(json, 8);
  out.fill(0x20, 8 + json.length, 8 + n);
  let at = 8 + n;
  for (const { data, wide } of ordered) {
    if (LITTLE_ENDIAN) out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), at);
    else for (let i = 0; i < data.length; ++i) wide ? view.setFloat64(at + 8 * i, data[i] as number, true) : view.setFloat32(at + 4 * i, data[i] as number, true);
    at += data.byteLength;
  }
  return out;
}
