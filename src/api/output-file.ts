import { closeSync, constants, openSync, renameSync, rmSync, writeSync } from 'node:fs';

/**
 * Writes a file faultnet produces (a run record, a report) without following a symlink someone
 * planted at `path`: the text goes to a new file beside it (O_EXCL|O_NOFOLLOW, mode 0600), which
 * then replaces `path` by rename, and a rename replaces a symlink rather than writing through it.
 */
export function writeOutputFile(path: string, text: string): void {
  const temp = `${path}.${process.pid}.tmp`;
  const fd = openSync(
    temp,
    constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW,
    0o600,
  );
  try {
    writeSync(fd, text);
  } catch (err) {
    closeSync(fd);
    rmSync(temp, { force: true });
    throw err;
  }
  closeSync(fd);
  renameSync(temp, path);
}
