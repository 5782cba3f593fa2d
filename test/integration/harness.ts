import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { createSocket, type Socket } from 'node:dgram';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { type AddressInfo, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RunRecord } from '../../src/api/run-record.js';

/** The CLI entry point of this checkout. */
export const FAULTNET = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'bin', 'faultnet.js');

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Starts `faultnet ...args`; the caller awaits `done`. */
export function startFaultnet(
  args: readonly string[],
  input?: string,
): { child: ChildProcess; done: Promise<RunResult> } {
  const child = spawn(process.execPath, [FAULTNET, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => {
    stdout += d;
  });
  child.stderr!.setEncoding('utf8').on('data', (d: string) => {
    stderr += d;
  });
  if (input !== undefined) child.stdin!.end(input);
  else child.stdin!.end();
  const done = new Promise<RunResult>((resolve) => {
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  return { child, done };
}

/** Resolves once `child` has printed `text` on stdout: the program's own readiness signal. */
export function printed(child: ChildProcess, text: string): Promise<void> {
  return new Promise<void>((resolve) => {
    let seen = '';
    const onData = (d: string) => {
      seen += d;
      if (seen.includes(text)) {
        child.stdout!.off('data', onData);
        resolve();
      }
    };
    child.stdout!.on('data', onData);
  });
}

export function faultnet(args: readonly string[], input?: string): Promise<RunResult> {
  return startFaultnet(args, input).done;
}

/** What must be back to baseline after every exit: launcher processes, net namespaces, host links. */
export interface SystemState {
  launchers: number;
  /** Test programs are `sleep 1000`: none may outlive faultnet. */
  sleepers: number;
  netns: number;
  links: string;
}

export function systemState(): SystemState {
  const ps = execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' });
  const launchers = ps
    .split('\n')
    .filter((l) => l.includes('faultnet-launch') && !l.includes('ps -eo')).length;
  const sleepers = ps.split('\n').filter((l) => l.trim() === 'sleep 1000').length;
  const netns = execFileSync('lsns', ['-n', '-t', 'net', '-o', 'NS'], { encoding: 'utf8' })
    .trim()
    .split('\n').length;
  const links = execFileSync('ip', ['-o', 'link', 'show'], { encoding: 'utf8' })
    .split('\n')
    .map((l) => l.split(':')[1]?.trim() ?? '')
    .sort()
    .join(',');
  return { launchers, sleepers, netns, links };
}

/**
 * The state to compare against after a test: taken once no faultnet launcher is left from an
 * earlier test (their parent-death signals arrive asynchronously), within a bound.
 */
export async function settledState(): Promise<SystemState> {
  await eventually(() => systemState().launchers === 0, 5000);
  return systemState();
}

/** Launcher processes (the launcher and the namespace init) of the faultnet with this pid. */
export function launchersOf(faultnetPid: number): number {
  const ps = execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' });
  return ps.split('\n').filter((l) => l.includes(`faultnet-launch --parent ${faultnetPid} `)).length;
}

/** Polls `check` every 20 ms until it holds or `ms` pass: for state the kernel tears down asynchronously. */
export async function eventually(check: () => boolean, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  for (;;) {
    if (check()) return true;
    if (Date.now() > end) return false;
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** A UDP echo server on the host loopback. */
export async function udpEcho(family: 4 | 6): Promise<{ port: number; socket: Socket }> {
  const socket = createSocket(family === 4 ? 'udp4' : 'udp6');
  socket.on('message', (msg, rinfo) => socket.send(msg, rinfo.port, rinfo.address));
  await new Promise<void>((resolve) => socket.bind(0, family === 4 ? '127.0.0.1' : '::1', resolve));
  return { port: socket.address().port, socket };
}

/** The path of a client script shipped with the tests, in `test/<suite>/clients/`. */
export function clientScript(name: string, suite: 'integration' | 'hostile' = 'integration'): string {
  return join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'test', suite, 'clients', name);
}

/** Runs `body` with a fresh temporary directory, removed afterwards however `body` ends. */
export function withTempDir<T>(prefix: string, body: (dir: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return body(dir).finally(() => rmSync(dir, { recursive: true, force: true }));
}

/** Runs `body` with a run-record path (`--run-json`) in a fresh temporary directory. */
export function withRunRecord<T>(prefix: string, body: (json: string) => Promise<T>): Promise<T> {
  return withTempDir(prefix, (dir) => body(join(dir, 'run.json')));
}

export const readRunRecord = (path: string) => JSON.parse(readFileSync(path, 'utf8')) as RunRecord;

/** A host UDP server that echoes JSON probes with its receive time added (`at`, seconds since the epoch). */
export async function timestampEcho(): Promise<{ port: number; socket: Socket }> {
  const socket = createSocket('udp4');
  socket.on('message', (msg, rinfo) => {
    const at = (performance.timeOrigin + performance.now()) / 1000;
    const probe = JSON.parse(msg.toString());
    socket.send(JSON.stringify({ ...probe, at }), rinfo.port, rinfo.address);
  });
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  return { port: socket.address().port, socket };
}

/** Starts test/integration/clients/udp_sink.py; resolves its port; `finish()` ends it and resolves its report. */
export interface UdpSink {
  port: number;
  /** Stops counting (SIGTERM), after what is already buffered; resolves what arrived. */
  finish(): Promise<{ count: number; bytes: number; span: number }>;
}

export async function udpSink(): Promise<UdpSink> {
  const child = spawn('python3', [clientScript('udp_sink.py')], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout!.setEncoding('utf8');
  const port = await new Promise<number>((resolve) => {
    child.stdout!.on('data', (d: string) => {
      out += d;
      const first = out.split('\n')[0];
      if (out.includes('\n')) resolve(Number(first));
    });
  });
  const report = new Promise<{ count: number; bytes: number; span: number }>((resolve, reject) => {
    child.on('close', () => {
      try {
        resolve(JSON.parse(out.trim().split('\n').pop()!));
      } catch {
        reject(new Error(`udp sink ended without a report: ${out}`));
      }
    });
  });
  return {
    port,
    finish: () => {
      child.kill('SIGTERM');
      return report;
    },
  };
}

/** Median of the `time=` values of ping's output, in ms. */
export function pingMedian(output: string): number {
  const times = [...output.matchAll(/time=([\d.]+) ms/g)].map((m) => Number(m[1])).sort((a, b) => a - b);
  if (times.length === 0) throw new Error(`no ping replies in: ${output}`);
  return times[Math.floor(times.length / 2)]!;
}

/** A port on 127.0.0.1 nothing listens on: bound and closed again. */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
