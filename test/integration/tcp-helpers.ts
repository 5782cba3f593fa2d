import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { ControlClient } from '../../src/control/client.js';
import type { StatsSnapshot } from '../../src/metrics/snapshot.js';
import { clientScript, FAULTNET } from './harness.js';

/** A directory of random files for the transfer tests; `remove()` deletes it. */
export interface Payloads {
  dir: string;
  /** name -> sha256 hex */
  sha256: Record<string, string>;
  remove(): void;
}

export function randomPayloads(sizes: Record<string, number>): Payloads {
  const dir = mkdtempSync(join(tmpdir(), 'faultnet-tcp-'));
  const sha256: Record<string, string> = {};
  for (const [name, size] of Object.entries(sizes)) {
    const data = randomBytes(size);
    writeFileSync(join(dir, name), data);
    sha256[name] = createHash('sha256').update(data).digest('hex');
  }
  return { dir, sha256, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** test/integration/clients/tcp_hash_server.py: GET serves `dir`, PUT answers `<sha256> <bytes>`. */
export async function hashServer(dir: string, host = '127.0.0.1'): Promise<{ port: number; close(): void }> {
  const child = spawn('python3', [clientScript('tcp_hash_server.py'), dir, host], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const port = await firstLine(child);
  return { port: Number(port), close: () => child.kill('SIGTERM') };
}

function firstLine(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.setEncoding('utf8');
    child.stdout!.on('data', (d: string) => {
      out += d;
      const nl = out.indexOf('\n');
      if (nl >= 0) resolve(out.slice(0, nl));
    });
    child.once('exit', (code) => reject(new Error(`server exited (${code}) before printing its port`)));
  });
}

/** A host TCP echo server on `host`; counts the connections it accepted. */
export interface EchoServer {
  port: number;
  accepted(): number;
  close(): Promise<void>;
}

export async function echoServer(host = '127.0.0.1'): Promise<EchoServer> {
  let accepted = 0;
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    accepted++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    socket.pipe(socket);
  });
  await new Promise<void>((resolve) => server.listen({ port: 0, host, backlog: 8192 }, resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('echo server has no port');
  return {
    port: address.port,
    accepted: () => accepted,
    close: () => {
      for (const s of sockets) s.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * `faultnet run --control <path> ...args -- sh -c script` where the script prints marker lines
 * and waits on stdin (`read x`) for the test to take its measurements between phases.
 */
export class ControlledRun {
  private out = '';
  private readonly waiters: Array<{ marker: string; resolve: () => void }> = [];
  readonly done: Promise<{ code: number | null; stdout: string; stderr: string }>;
  private stderr = '';
  private client: ControlClient | undefined;

  private constructor(
    readonly child: ChildProcess,
    readonly controlPath: string,
  ) {
    child.stdout!.setEncoding('utf8').on('data', (d: string) => {
      this.out += d;
      for (let i = this.waiters.length - 1; i >= 0; i--) {
        const w = this.waiters[i]!;
        if (this.out.includes(w.marker)) {
          this.waiters.splice(i, 1);
          w.resolve();
        }
      }
    });
    child.stderr!.setEncoding('utf8').on('data', (d: string) => {
      this.stderr += d;
    });
    this.done = new Promise((resolve) => {
      child.on('close', (code) => resolve({ code, stdout: this.out, stderr: this.stderr }));
    });
  }

  static start(args: readonly string[], script: string): ControlledRun {
    const controlPath = join(tmpdir(), `faultnet-tcp-${process.pid}-${Date.now()}.sock`);
    const child = spawn(
      process.execPath,
      [FAULTNET, 'run', '--control', controlPath, ...args, '--', 'sh', '-c', script],
      {
        stdio: ['pipe', 'pipe', 'pipe'],
      },
    );
    return new ControlledRun(child, controlPath);
  }

  get stdout(): string {
    return this.out;
  }

  /** Resolves once the program printed `marker`; rejects if faultnet ends first. */
  waitFor(marker: string): Promise<void> {
    if (this.out.includes(marker)) return Promise.resolve();
    return new Promise((resolve, reject) => {
      this.waiters.push({ marker, resolve });
      void this.done.then((r) => reject(new Error(`ended before "${marker}": ${r.stdout}\n${r.stderr}`)));
    });
  }

  /** Lets the program past its next `read x`. */
  proceed(): void {
    this.child.stdin!.write('\n');
  }

  async stats(): Promise<StatsSnapshot> {
    this.client ??= await ControlClient.connect(this.controlPath);
    return (await this.client.request<{ stats: StatsSnapshot }>('stats')).stats;
  }

  /** faultnet's resident set size, in KiB. */
  rssKiB(): number {
    const status = readFileSync(`/proc/${this.child.pid}/status`, 'utf8');
    return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1]);
  }

  /** Polls the TCP flow count every 100 ms until it is `n` or `ms` pass; returns the last count. */
  async tcpFlowsSettle(n: number, ms: number): Promise<number> {
    const end = Date.now() + ms;
    for (;;) {
      const count = (await this.stats()).flows.tcp;
      if (count === n || Date.now() > end) return count;
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  finish(): Promise<{ code: number | null; stdout: string; stderr: string }> {
    this.client?.close();
    this.child.stdin!.end();
    return this.done;
  }
}

/** The JSON line tcp_conns.py prints last. */
export interface ConnsReport {
  ok: number;
  failed: number;
  seconds: number;
  error: string | null;
}

export function connsReport(stdout: string): ConnsReport {
  const line = stdout
    .trim()
    .split('\n')
    .reverse()
    .find((l) => l.startsWith('{"ok"'));
  if (!line) throw new Error(`no tcp_conns.py report in: ${stdout}`);
  return JSON.parse(line) as ConnsReport;
}

export interface ChurnResult {
  report: ConnsReport;
  flowsAfterWarmUp: number;
  flowsAfter: number;
  rssAfterWarmUpKiB: number;
  rssAfterKiB: number;
}

/**
 * 1,000 connections a second (opened, echoed, closed) for `seconds` after a 3-second warm-up,
 * with faultnet's TCP flow count and RSS taken after each phase once the flows have drained.
 */
export async function churn(clientPath: string, echoPort: number, seconds: number): Promise<ChurnResult> {
  const churnCmd = (s: number) => `python3 ${clientPath} churn 10.0.2.2 ${echoPort} 1000 ${s}`;
  // The program closes first, so its kernel keeps each port in TIME_WAIT for 60 s: more than the
  // ephemeral range holds at this rate. tcp_tw_reuse lets connect() take such ports again (and
  // so exercises the stack's RFC 6191 TIME_WAIT reuse).
  const run = ControlledRun.start(
    [],
    `sysctl -qw net.ipv4.tcp_tw_reuse=1; ${churnCmd(3)}; echo warm; read x; ${churnCmd(seconds)}; echo churned; read x`,
  );
  try {
    await run.waitFor('warm');
    const flowsAfterWarmUp = await run.tcpFlowsSettle(0, 5000);
    const rssAfterWarmUpKiB = run.rssKiB();
    run.proceed();
    await run.waitFor('churned');
    const flowsAfter = await run.tcpFlowsSettle(0, 5000);
    const rssAfterKiB = run.rssKiB();
    run.proceed();
    const r = await run.finish();
    if (r.code !== 0) throw new Error(`churn run exited ${r.code}: ${r.stderr}`);
    return { report: connsReport(r.stdout), flowsAfterWarmUp, flowsAfter, rssAfterWarmUpKiB, rssAfterKiB };
  } finally {
    run.child.kill('SIGTERM');
  }
}

/** A churn of `seconds` at 1,000/s: every connection echoed, paced, no flows left, RSS grown < 16 MiB. */
export function assertChurnClean(t: TestContext, r: ChurnResult, seconds: number, maxSeconds: number): void {
  const grownMiB = (r.rssAfterKiB - r.rssAfterWarmUpKiB) / 1024;
  t.diagnostic(
    `${r.report.ok} connections in ${r.report.seconds} s; RSS ${(r.rssAfterWarmUpKiB / 1024).toFixed(1)} -> ${(r.rssAfterKiB / 1024).toFixed(1)} MiB`,
  );
  assert.deepEqual(
    { ok: r.report.ok, failed: r.report.failed },
    { ok: seconds * 1000, failed: 0 },
    r.report.error ?? '',
  );
  assert.ok(r.report.seconds < maxSeconds, `paced at 1,000/s: took ${r.report.seconds} s`);
  assert.equal(r.flowsAfterWarmUp, 0);
  assert.equal(r.flowsAfter, 0);
  assert.ok(grownMiB < 16, `RSS grew ${grownMiB.toFixed(1)} MiB`);
}
