import { rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LineSplitter } from '../control/lines.js';
import type { AgentMessage, PhaseReport, PhaseRequest } from './protocol.js';

/** How long the agent may take to start inside the namespace and connect. */
const CONNECT_TIMEOUT_MS = 15_000;

/** The host end of the agent's socket: sends phase requests, one at a time, and awaits reports. */
export class AgentLink {
  private socket: Socket | undefined;
  private readonly lines = new LineSplitter(Number.POSITIVE_INFINITY);
  private pending: { resolve(r: PhaseReport): void; reject(err: Error): void } | undefined;
  private gone: Error | undefined;

  private constructor(
    private readonly server: Server,
    readonly path: string,
  ) {}

  /** Listens on a fresh socket path in the temporary directory (mode 0600 by the umask below). */
  static async listen(): Promise<AgentLink> {
    const path = join(tmpdir(), `faultnet-agent-${process.pid}-${Date.now().toString(36)}.sock`);
    const server = createServer();
    const umask = process.umask(0o077);
    try {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(path, resolve);
      });
    } finally {
      process.umask(umask);
    }
    return new AgentLink(server, path);
  }

  /** Resolves once the agent has connected; rejects if `exited` resolves or the wait times out first. */
  async accept(exited: Promise<{ code: number }>): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const socket = await Promise.race([
      new Promise<Socket>((resolve) => this.server.once('connection', resolve)),
      exited.then(({ code }) => {
        throw new Error(`the client in the network exited (code ${code}) before it connected`);
      }),
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () =>
            reject(new Error(`the client in the network did not connect within ${CONNECT_TIMEOUT_MS} ms`)),
          CONNECT_TIMEOUT_MS,
        );
      }),
    ]).finally(() => clearTimeout(timer));
    this.socket = socket;
    socket.on('data', (chunk: Buffer) => this.lines.push(chunk, (line) => this.receive(line)));
    socket.on('error', (err) => this.fail(err));
    socket.on('close', () => this.fail(new Error('the client in the network exited during a phase')));
  }

  /** Sends one phase and resolves its report. */
  runPhase(request: PhaseRequest): Promise<PhaseReport> {
    if (this.gone) return Promise.reject(this.gone);
    if (!this.socket || this.pending) throw new Error('AgentLink: not connected, or a phase is running');
    const report = new Promise<PhaseReport>((resolve, reject) => {
      this.pending = { resolve, reject };
    });
    this.socket.write(`${JSON.stringify(request)}\n`);
    return report;
  }

  private receive(line: string): void {
    const message = JSON.parse(line) as AgentMessage;
    const pending = this.pending;
    this.pending = undefined;
    if (message.type === 'report') pending?.resolve(message);
    else pending?.reject(new Error(`the client in the network failed: ${message.message}`));
  }

  private fail(err: Error): void {
    this.gone ??= err;
    const pending = this.pending;
    this.pending = undefined;
    pending?.reject(err);
  }

  /** Closes the socket (the agent exits on it) and removes the socket file. */
  async close(): Promise<void> {
    this.gone ??= new Error('closed');
    this.socket?.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    rmSync(this.path, { force: true });
  }
}
