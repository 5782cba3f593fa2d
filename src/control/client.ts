import { createConnection, type Socket } from 'node:net';
import type { StatsSnapshot } from '../metrics/snapshot.js';
import { LineSplitter } from './lines.js';
import type { Reply, StatsEvent, SubscribeReply } from './protocol.js';

/** The server refused a request; the message is its one-line error. */
export class ControlError extends Error {
  override readonly name = 'ControlError';
}

interface Pending {
  resolve(reply: unknown): void;
  reject(err: Error): void;
}

interface Subscription {
  id: number;
  onStats(stats: StatsSnapshot): void;
  onError: ((err: Error) => void) | undefined;
}

/** A connection to a control socket: requests with promised replies, and one stats subscription. */
export class ControlClient {
  private readonly lines = new LineSplitter(Number.POSITIVE_INFINITY);
  private readonly pending = new Map<number, Pending>();
  private subscription: Subscription | null = null;
  private nextId = 1;
  private closed: Error | null = null;

  private constructor(private readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => this.lines.push(chunk, (line) => this.receive(line)));
    socket.on('error', (err) => this.shutdown(err));
    socket.on('close', () => this.shutdown(new Error('control socket closed')));
  }

  /** Connects, or rejects with the socket error (ENOENT, ECONNREFUSED, EACCES, ...). */
  static async connect(path: string): Promise<ControlClient> {
    const socket = createConnection(path);
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.once('connect', () => {
        socket.off('error', reject);
        resolve();
      });
    });
    return new ControlClient(socket);
  }

  /**
   * Sends `{ op, ...fields }` and resolves with the reply (see protocol.ts for each op's type);
   * rejects with a ControlError when the server refuses, or an Error when the connection ends.
   */
  request<T>(op: string, fields: object = {}): Promise<T> {
    return this.call(this.nextId++, op, fields) as Promise<T>;
  }

  /**
   * Calls `onStats` with a snapshot now and every `intervalMs` (at least 50) until the returned
   * function is called. A connection has one subscription: a new one replaces the previous one.
   * `onError` hears of a refused subscription or of the connection ending.
   */
  subscribe(
    intervalMs: number,
    onStats: (s: StatsSnapshot) => void,
    onError?: (err: Error) => void,
  ): () => void {
    const sub: Subscription = { id: this.nextId++, onStats, onError };
    this.subscription = sub;
    (this.call(sub.id, 'subscribe', { intervalMs }) as Promise<SubscribeReply>).catch((err: Error) => {
      if (this.subscription !== sub) return;
      this.subscription = null;
      onError?.(err);
    });
    return () => {
      if (this.subscription !== sub) return;
      this.subscription = null;
      if (this.closed === null) this.request('unsubscribe').catch(() => {});
    };
  }

  close(): void {
    this.subscription = null;
    this.shutdown(new Error('control client closed'));
    this.socket.end();
  }

  private call(id: number, op: string, fields: object): Promise<unknown> {
    if (this.closed !== null) return Promise.reject(this.closed);
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.socket.write(`${JSON.stringify({ ...fields, op, id })}\n`);
    });
  }

  private receive(line: string): void {
    let reply: Reply;
    try {
      reply = JSON.parse(line) as Reply;
    } catch {
      this.shutdown(new Error('control socket sent a line that is not JSON'));
      this.socket.destroy();
      return;
    }
    const sub = this.subscription;
    if ('event' in reply) {
      if (sub !== null && reply.id === sub.id) sub.onStats((reply as StatsEvent).stats);
      return;
    }
    const waiting = this.pending.get(reply.id as number);
    if (waiting !== undefined) {
      this.pending.delete(reply.id as number);
      if (reply.ok) waiting.resolve(reply);
      else waiting.reject(new ControlError(reply.error));
    } else if (!reply.ok && sub !== null && reply.id === sub.id) {
      this.subscription = null;
      sub.onError?.(new ControlError(reply.error));
    }
  }

  private shutdown(err: Error): void {
    if (this.closed !== null) return;
    this.closed = err;
    for (const waiting of this.pending.values()) waiting.reject(err);
    this.pending.clear();
    const sub = this.subscription;
    this.subscription = null;
    sub?.onError?.(err);
  }
}
