// The error codes lib/errors.ts declares, read from its ErrorCode union.
import { readFileSync } from 'node:fs';

const source = readFileSync(new URL('../../lib/errors.ts', import.meta.url), 'utf8');
export const ERROR_CODES = [...source.matchAll(/\| '(ERR_RNN_\w+)'/g)].map((m) => m[1]);
