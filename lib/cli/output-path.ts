// The files `train` writes (--save, --plot), checked before training starts, so that a run is never lost at its end:
// each must be a regular file (or not exist yet) in a folder that exists and takes new files, must not be one of the
// run's inputs (--save naming the corpus would overwrite it), and no two may be the same file.
import { closeSync, openSync, rmSync, statSync, type Stats } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { temporaryPath, writeTarget } from '../atomic-write';
import { kindOf, readFailure } from '../text-file';
import { UsageError } from './args';

export interface OutputFile {
  /** The option, for messages: `--save`. */
  option: string;
  path: string;
}

function statOrUndefined(path: string): Stats | undefined {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}

/** Whether two paths name one file: the same device and inode when both exist, else the same absolute path. */
function sameFile(a: string, b: string): boolean {
  const [x, y] = [statOrUndefined(a), statOrUndefined(b)];
  if (x !== undefined && y !== undefined) return x.dev === y.dev && x.ino === y.ino;
  return resolve(a) === resolve(b);
}

/** UsageError (exit status 2) for the first output that could not be written; `inputs` name the files the run reads. */
export function checkOutputFiles(outputs: readonly OutputFile[], inputs: readonly { what: string; path: string }[]): void {
  outputs.forEach(({ option, path }, k) => {
    const target = resolve(writeTarget(path));
    const stats = statOrUndefined(target);
    if (stats !== undefined && !stats.isFile()) throw new UsageError(`${option} ${path}: it is ${kindOf(stats)}, not a regular file`);
    const folder = dirname(target);
    if (!statOrUndefined(folder)?.isDirectory()) throw new UsageError(`${option} ${path}: the directory ${folder} does not exist`);
    for (const input of inputs) {
      if (sameFile(target, input.path)) throw new UsageError(`${option} ${path} is ${input.what}: it would be overwritten`);
    }
    for (const other of outputs.slice(0, k)) {
      if (sameFile(target, other.path)) throw new UsageError(`${option} and ${other.option} name the same file ${path}`);
    }
    // The write will create a temporary file beside the target and rename it: try exactly that folder now.
    const probe = temporaryPath(target);
    try {
      closeSync(openSync(probe, 'wx'));
      rmSync(probe);
    } catch (error) {
      throw new UsageError(`${option} ${path}: cannot create files in ${folder} (${readFailure(error)})`);
    }
  });
}
