// Every file the package writes (model files, the CLI's --save and --plot) is written atomically: into a temporary
// file in the same folder, flushed to disk (fsync), then renamed over the target, and the folder flushed too. A full
// disk, a crash, SIGKILL or a second Ctrl+C during the write leaves the old file as it was (and at worst a stray
// temporary file), never a truncated one.
import * as fs from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';

/** Where a write to `path` goes: through a symbolic link to the file it names, as a plain write would. */
export function writeTarget(path: string): string {
  try {
    return fs.lstatSync(path).isSymbolicLink() ? fs.realpathSync(path) : path;
  } catch {
    return path;
  }
}

/** A fresh temporary name beside `target`: `.name.<random>.tmp` (hidden, and never a name the package reads). */
export function temporaryPath(target: string): string {
  return join(dirname(target), `.${basename(target)}.${randomBytes(6).toString('hex')}.tmp`);
}

/** Flushes a folder's entries (the rename) to disk; some file systems cannot, which is not an error. */
function syncFolder(folder: string): void {
  let fd: number | undefined;
  try {
    fd = fs.openSync(folder, 'r');
    fs.fsyncSync(fd);
  } catch {
    // EISDIR/EINVAL/EPERM: this file system does not sync folders
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

/** The permission bits of `path`, or undefined when it does not exist. */
function existingMode(path: string): number | undefined {
  try {
    return fs.statSync(path).mode & 0o7777;
  } catch {
    return undefined;
  }
}

/** Writes `data` to `path` atomically (see above). On failure the target is untouched and the temporary file gone. */
export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  const target = writeTarget(path);
  const temporary = temporaryPath(target);
  const fd = fs.openSync(temporary, 'wx', 0o666);
  try {
    try {
      // A replaced file keeps its permissions (a 0600 model stays private).
      const previous = existingMode(target);
      if (previous !== undefined) fs.fchmodSync(fd, previous);
      fs.writeFileSync(fd, data);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(temporary, target);
  } catch (error) {
    fs.rmSync(temporary, { force: true });
    throw error;
  }
  syncFolder(dirname(target));
}
