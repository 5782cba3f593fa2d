import { type ChildProcess, type SpawnOptions, spawn } from 'node:child_process';

/** Options of `net.spawn` (Node's, less what entering the namespace decides). */
export type NamespaceSpawnOptions = Omit<SpawnOptions, 'detached' | 'shell' | 'argv0' | 'uid' | 'gid'>;

export interface ExecOptions extends Omit<NamespaceSpawnOptions, 'stdio'> {
  /** Written to the program's stdin, which is then closed (default: stdin is empty). */
  input?: string | Uint8Array;
  /** Kills the program with SIGKILL after this many ms (default: no limit). */
  timeoutMs?: number;
}

export interface ExecResult {
  /** The exit code, or null when a signal ended the program. */
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs `command` in the namespace's network, mount and PID namespaces: it sees tun0, the
 * namespace's resolv.conf and /proc, and dies with the namespace. nsenter forks the program into
 * the PID namespace and does not forward signals, so the program is given a parent-death signal:
 * any signal that ends the returned process (nsenter) reaches the program as SIGTERM.
 */
export function spawnInNamespace(
  initPid: number,
  command: string,
  args: readonly string[],
  opts: NamespaceSpawnOptions = {},
): ChildProcess {
  const cwd = opts.cwd === undefined ? process.cwd() : String(opts.cwd);
  const { cwd: _cwd, ...rest } = opts;
  return spawn(
    'nsenter',
    [
      `--target=${initPid}`,
      '--net',
      '--mount',
      '--pid',
      `--wd=${cwd}`,
      '--',
      'setpriv',
      '--pdeathsig=SIGTERM',
      '--',
      command,
      ...args,
    ],
    rest,
  );
}

/** Runs a command to completion and collects its output as UTF-8 text. */
export function collect(child: ChildProcess, opts: ExecOptions): Promise<ExecResult> {
  let stdout = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8').on('data', (d: string) => {
    stdout += d;
  });
  child.stderr?.setEncoding('utf8').on('data', (d: string) => {
    stderr += d;
  });
  child.stdin?.on('error', () => {});
  child.stdin?.end(opts.input);
  const timer =
    opts.timeoutMs === undefined ? undefined : setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs);
  return new Promise((resolve, reject) => {
    child.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}
