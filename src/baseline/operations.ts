import { spawn } from 'node:child_process';
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { promises as dns } from 'node:dns';
import { get } from 'node:http';
import { createConnection } from 'node:net';
import type { OperationKind, OperationTargets } from './protocol.js';

/** A failed operation; `reason` is the short key it is counted under. */
export class OperationFailure extends Error {
  constructor(readonly reason: string) {
    super(reason);
  }
}

/** The key an error is counted under: its errno-style code when it has one. */
export function failureReason(err: unknown): string {
  if (err instanceof OperationFailure) return err.reason;
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (typeof code === 'string') return code;
  return err instanceof Error ? err.message.slice(0, 60) : String(err).slice(0, 60);
}

interface Settle {
  resolve(bytes: number): void;
  reject(reason: string | Error): void;
}

/**
 * Runs `start` with a one-shot settle and a deadline; `cleanup` runs exactly once, whichever way it
 * ends, so sockets and child processes never outlive their operation.
 */
function withDeadline(
  timeoutMs: number,
  start: (settle: Settle) => void,
  cleanup: () => void,
): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    let done = false;
    const finish = (fn: () => void) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      cleanup();
      fn();
    };
    const timer = setTimeout(() => finish(() => reject(new OperationFailure('timeout'))), timeoutMs);
    start({
      resolve: (bytes) => finish(() => resolve(bytes)),
      reject: (reason) =>
        finish(() => reject(typeof reason === 'string' ? new OperationFailure(reason) : reason)),
    });
  });
}

const ECHO_LINE = Buffer.from(`${'faultnet-baseline '.repeat(3).trim()}\n`);

function tcpEcho(host: string, port: number, timeoutMs: number): Promise<number> {
  const socket = createConnection({ host, port });
  const chunks: Buffer[] = [];
  let got = 0;
  return withDeadline(
    timeoutMs,
    (settle) => {
      socket.on('connect', () => socket.write(ECHO_LINE));
      socket.on('data', (chunk: Buffer) => {
        chunks.push(chunk);
        got += chunk.length;
        if (got < ECHO_LINE.length) return;
        if (Buffer.concat(chunks).equals(ECHO_LINE)) settle.resolve(got);
        else settle.reject('bad echo');
      });
      socket.on('error', (err) => settle.reject(err));
      socket.on('close', () => settle.reject('closed before the echo'));
    },
    () => socket.destroy(),
  );
}

function httpGet(host: string, port: number, path: string, timeoutMs: number): Promise<number> {
  const request = get({ host, port, path, agent: false });
  return withDeadline(
    timeoutMs,
    (settle) => {
      request.on('response', (response) => {
        let bytes = 0;
        response.on('data', (chunk: Buffer) => {
          bytes += chunk.length;
        });
        response.on('end', () => {
          if (response.statusCode === 200) settle.resolve(bytes);
          else settle.reject(`http ${response.statusCode}`);
        });
        response.on('error', (err) => settle.reject(err));
      });
      request.on('error', (err) => settle.reject(err));
    },
    () => request.destroy(),
  );
}

function execOnce(command: readonly string[], timeoutMs: number): Promise<number> {
  const child = spawn(command[0]!, command.slice(1), { stdio: ['ignore', 'ignore', 'pipe'] });
  let lastError = '';
  return withDeadline(
    timeoutMs,
    (settle) => {
      child.stderr!.setEncoding('utf8').on('data', (d: string) => {
        const lines = d.trim().split('\n');
        lastError = lines[lines.length - 1]?.trim().slice(0, 60) || lastError;
      });
      child.on('error', (err) => settle.reject(err));
      child.on('close', (code, signal) => {
        if (code === 0) settle.resolve(0);
        else settle.reject(`${signal ?? `exit ${code}`}${lastError ? `: ${lastError}` : ''}`);
      });
    },
    () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    },
  );
}

/**
 * A UDP echo client on one socket: each probe carries a sequence number, so an echo that comes
 * back after its probe timed out is recognised and ignored.
 */
class UdpEchoClient {
  private readonly socket: UdpSocket = createSocket('udp4');
  private readonly waiting = new Map<number, Settle>();
  private next = 0;

  constructor() {
    this.socket.on('message', (msg) => {
      const waiter = this.waiting.get(msg.readUInt32BE(0));
      waiter?.resolve(msg.length);
    });
    this.socket.on('error', () => {});
  }

  probe(host: string, port: number, timeoutMs: number): Promise<number> {
    const seq = this.next++ >>> 0;
    const payload = Buffer.alloc(64);
    payload.writeUInt32BE(seq, 0);
    return withDeadline(
      timeoutMs,
      (settle) => {
        this.waiting.set(seq, settle);
        this.socket.send(payload, port, host, (err) => {
          if (err) settle.reject(err);
        });
      },
      () => this.waiting.delete(seq),
    );
  }

  close(): void {
    this.socket.close();
  }
}

/** Resolver attempts per lookup, as a stub resolver would make. */
const DNS_TRIES = 3;

/** One worker's clients: the operations it runs in turn, each timed by the caller. */
export class OperationRunner {
  private udp: UdpEchoClient | undefined;
  private readonly resolver: dns.Resolver;

  constructor(
    private readonly worker: number,
    private readonly targets: OperationTargets,
    private readonly timeoutMs: number,
  ) {
    this.resolver = new dns.Resolver({
      timeout: Math.max(100, Math.floor(timeoutMs / (DNS_TRIES + 1))),
      tries: DNS_TRIES,
    });
  }

  /** Runs one operation; resolves the payload bytes it received, rejects with why it failed. */
  run(kind: OperationKind): Promise<number> {
    const t = this.targets;
    switch (kind) {
      case 'tcp':
        if (!t.tcpEcho) throw new OperationFailure('no tcp echo target');
        return tcpEcho(t.tcpEcho.host, t.tcpEcho.port, this.timeoutMs);
      case 'http':
        if (!t.http) throw new OperationFailure('no http target');
        return httpGet(t.http.host, t.http.port, t.http.path, this.timeoutMs);
      case 'udp':
        if (!t.udpEcho) throw new OperationFailure('no udp echo target');
        this.udp ??= new UdpEchoClient();
        return this.udp.probe(t.udpEcho.host, t.udpEcho.port, this.timeoutMs);
      case 'dns':
        if (!t.dnsSuffix) throw new OperationFailure('no dns suffix');
        return this.lookup(`w${this.worker}.${t.dnsSuffix}`);
      case 'exec':
        if (!t.command || t.command.length === 0) throw new OperationFailure('no command');
        return execOnce(t.command, this.timeoutMs);
    }
  }

  /** A worker runs one operation at a time, so cancelling the resolver cancels only this lookup. */
  private lookup(name: string): Promise<number> {
    return withDeadline(
      this.timeoutMs,
      (settle) => {
        this.resolver.resolve4(name).then(
          (addresses) => (addresses.length > 0 ? settle.resolve(0) : settle.reject('no address')),
          (err: Error) => settle.reject(err),
        );
      },
      () => this.resolver.cancel(),
    );
  }

  close(): void {
    this.udp?.close();
    this.resolver.cancel();
  }
}
