import { lstat, mkdir, rm } from 'node:fs/promises';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { dirname } from 'node:path';
import { LineSplitter } from './lines.js';
import { type ControlTarget, perform } from './operations.js';
import {
  errorLine,
  MAX_LINE_BYTES,
  parseRequest,
  type Reply,
  RequestError,
  type RequestId,
} from './protocol.js';

/** The most client connections served at once; one more gets an error line and is closed. */
export const MAX_SESSIONS = 64;
/**
 * The most reply bytes a session may have queued for its client before the server stops handling
 * its requests (and reading its socket) until the client reads; one reply may overshoot it.
 */
export const MAX_QUEUED_BYTES = 1024 * 1024;

/** Serves the control protocol (see protocol.ts) for one network on a Unix socket of mode 0600. */
export class ControlServer {
  private readonly sessions = new Set<Session>();

  private constructor(
    readonly path: string,
    private readonly server: Server,
  ) {}

  /**
   * Creates the parent directory (0700) if missing, replaces a stale socket file (one nobody
   * listens on) and listens. Refuses to replace anything else: a live socket or a non-socket file.
   */
  static async listen(path: string, target: ControlTarget): Promise<ControlServer> {
    await mkdir(dirname(path), { recursive: true, mode: 0o700 });
    await removeStaleSocket(path);
    const server = createServer();
    const control = new ControlServer(path, server);
    server.on('connection', (socket) => {
      if (control.sessions.size >= MAX_SESSIONS) {
        socket.on('error', () => socket.destroy());
        socket.end(
          `${JSON.stringify({ id: null, ok: false, error: `connection: more than ${MAX_SESSIONS} clients at once; closing` })}\n`,
        );
        return;
      }
      const session = new Session(socket, target, () => control.sessions.delete(session));
      control.sessions.add(session);
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      // Created 0600 by the bind itself (listen binds a path synchronously): a chmod afterwards
      // would follow whatever had been put at the path in between.
      const umask = process.umask(0o177);
      try {
        server.listen(path, () => {
          server.off('error', reject);
          resolve();
        });
      } finally {
        process.umask(umask);
      }
    });
    // A failed accept (EMFILE, ...) must not take the network down with it.
    server.on('error', () => {});
    return control;
  }

  /** Ends every connection and subscription, stops listening and removes the socket file. */
  async close(): Promise<void> {
    for (const session of this.sessions) session.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    await rm(this.path, { force: true });
  }
}

async function removeStaleSocket(path: string): Promise<void> {
  let isSocket: boolean;
  try {
    isSocket = (await lstat(path)).isSocket();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw err;
  }
  if (!isSocket) throw new Error(`${path} exists and is not a socket; not replacing it`);
  const live = await new Promise<boolean>((resolve) => {
    const probe = createConnection(path);
    probe.once('connect', () => {
      probe.destroy();
      resolve(true);
    });
    probe.once('error', () => resolve(false));
  });
  if (live) throw new Error(`${path}: another process is serving a control socket there`);
  await rm(path, { force: true });
}

/**
 * One client connection: its line buffer, its replies and at most one subscription. Requests are
 * handled only while the replies queued for the client stay under MAX_QUEUED_BYTES: the lines of a
 * chunk beyond that wait (at most one chunk of them, since the socket is paused) until it drains.
 */
class Session {
  private readonly lines = new LineSplitter(MAX_LINE_BYTES);
  private readonly backlog: string[] = [];
  private next = 0;
  private timer: NodeJS.Timeout | null = null;
  private closing = false;

  constructor(
    private readonly socket: Socket,
    private readonly target: ControlTarget,
    onClose: () => void,
  ) {
    socket.on('data', (chunk: Buffer) => this.receive(chunk));
    socket.on('drain', () => this.pump());
    socket.on('error', () => socket.destroy());
    socket.on('close', () => {
      this.unsubscribe();
      this.backlog.length = 0;
      onClose();
    });
  }

  destroy(): void {
    this.unsubscribe();
    this.socket.destroy();
  }

  private receive(chunk: Buffer): void {
    if (this.closing) return;
    const fits = this.lines.push(chunk, (line) => {
      if (line.trim() !== '') this.backlog.push(line);
    });
    this.pump();
    if (fits) return;
    this.closing = true;
    this.unsubscribe();
    this.send({ id: null, ok: false, error: `request: line longer than ${MAX_LINE_BYTES} bytes; closing` });
    this.socket.end(() => this.socket.destroy());
  }

  /** Handles waiting lines while the client keeps up; pauses reading while it does not. */
  private pump(): void {
    while (this.next < this.backlog.length && !this.closing) {
      if (this.socket.writableLength >= MAX_QUEUED_BYTES) {
        this.socket.pause();
        return;
      }
      this.handle(this.backlog[this.next++]!);
    }
    this.backlog.length = 0;
    this.next = 0;
    if (this.socket.writableLength < MAX_QUEUED_BYTES) this.socket.resume();
    else this.socket.pause();
  }

  private handle(line: string): void {
    let id: RequestId = null;
    try {
      const parsed = parseRequest(line);
      id = parsed.id;
      const { request } = parsed;
      if (request.op === 'subscribe') {
        this.send({ id, ok: true, intervalMs: request.intervalMs });
        this.subscribe(id, request.intervalMs);
      } else if (request.op === 'unsubscribe') {
        this.unsubscribe();
        this.send({ id, ok: true });
      } else {
        this.send({ id, ok: true, ...perform(request, this.target) } as Reply);
      }
    } catch (err) {
      if (err instanceof RequestError && err.id !== null) id = err.id;
      this.send({ id, ok: false, error: errorLine(err) });
    }
  }

  private subscribe(id: RequestId, intervalMs: number): void {
    this.unsubscribe();
    const tick = (): void => {
      // A slow reader skips snapshots rather than making us queue them.
      if (this.socket.writableNeedDrain) return;
      try {
        this.send({ id, ok: true, event: 'stats', stats: this.target.stats() });
      } catch (err) {
        this.unsubscribe();
        this.send({ id, ok: false, error: errorLine(err) });
      }
    };
    this.timer = setInterval(tick, intervalMs);
    tick();
  }

  private unsubscribe(): void {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
  }

  /** Never throws: a reply that cannot be encoded becomes an error reply. */
  private send(reply: Reply): void {
    if (this.socket.destroyed || this.socket.writableEnded) return;
    let text: string;
    try {
      text = JSON.stringify(reply);
    } catch (err) {
      text = JSON.stringify({ id: reply.id, ok: false, error: `reply: cannot encode: ${errorLine(err)}` });
    }
    this.socket.write(`${text}\n`);
  }
}
