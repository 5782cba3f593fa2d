import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { CONTROL_DIR } from './path.js';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: alive, owned by someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Default control sockets whose faultnet is gone: left behind when faultnet died of SIGKILL (no
 * exit handler runs). A pid that is alive again under another program keeps its file: only a
 * dead pid is certain.
 */
export function staleControlSockets(dir = CONTROL_DIR): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names
    .filter((name) => /^[1-9]\d*\.sock$/.test(name) && !alive(Number.parseInt(name, 10)))
    .map((name) => join(dir, name));
}

/** Removes the stale control sockets; returns their paths. */
export function removeStaleControlSockets(dir = CONTROL_DIR): string[] {
  const stale = staleControlSockets(dir);
  for (const path of stale) rmSync(path, { force: true });
  return stale;
}
