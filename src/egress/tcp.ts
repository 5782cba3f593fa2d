import { connect, type Socket } from 'node:net';
import type { Connection } from '../../stack/tcp/connection.js';
import type { TcpEndpoint } from '../../stack/tcp/endpoint.js';
import type { DnsHandler } from '../dns/handler.js';
import { DnsTcpSession } from '../dns/tcp-framing.js';
import type { HostAccess } from './host-access.js';

export interface TcpEgressOptions {
  /** What each destination means on the host: the gateway, a real address, or refused. */
  access: HostAccess;
  /** A host connect that has not succeeded by then makes the SYN an ICMP unreachable. */
  connectTimeoutMs: number;
  maxTcp: number;
  maxConnecting: number;
  /** A SYN refused because a limit was reached. */
  onLimit: () => void;
}

const UNREACHABLE = new Set([
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ETIMEDOUT',
  'EADDRNOTAVAIL',
  'ENETDOWN',
  'EHOSTDOWN',
]);
const READ_CHUNK = 256 * 1024;

/**
 * Every host socket reads into this one buffer (`onread`): the callback copies the bytes into the
 * connection's send buffer before the next read, so no read allocates.
 */
const HOST_READ_BUFFER = Buffer.alloc(256 * 1024);

/** Where a host socket's bytes go; set once the connection is spliced. False pauses the socket. */
interface HostReader {
  deliver(buf: Uint8Array, n: number): boolean;
}

/**
 * Splices every TCP connection of the userspace stack to a host `net.Socket` toward its original
 * destination. The SYN-ACK goes out only once the host connect succeeds; a refused connect is an
 * RST, an unreachable one an ICMP unreachable. Backpressure both ways: a host socket that will
 * not take more stops our reads from the connection (its advertised window closes), and a
 * connection whose send buffer is full pauses the host socket.
 */
export class TcpEgress {
  /** Every host socket; the value says whether the namespace's stream to it is complete. */
  private readonly sockets = new Map<Socket, () => boolean>();
  /** Host connects in progress, oldest first. */
  private readonly connecting = new Map<Socket, Connection>();

  constructor(
    endpoint: TcpEndpoint,
    private readonly opts: TcpEgressOptions,
    private readonly dns: DnsHandler,
    private readonly onClosed: (conn: Connection) => void,
    /** A connection refused here (host refused, or the gateway without host loopback). */
    private readonly onRefused: (conn: Connection) => void,
  ) {
    endpoint.onConnectRequest = (conn) => this.connectRequest(conn);
  }

  private connectRequest(conn: Connection): void {
    if (conn.localPort === 53) {
      this.serveDns(conn);
      return;
    }
    const host = this.opts.access.resolve(conn.localAddress, conn.family);
    if (host === null) {
      conn.onClose = () => this.onClosed(conn);
      this.refuse(conn);
      return;
    }
    if (this.sockets.size >= this.opts.maxTcp) {
      // Explicit, as a host out of resources would be: a reset, never a silent stall.
      conn.onClose = () => this.onClosed(conn);
      this.opts.onLimit();
      conn.refuse();
      return;
    }
    if (this.connecting.size >= this.opts.maxConnecting) {
      // The oldest connect gives way, as a SYN queue under a flood does: a burst of spoofed
      // SYNs to a silent port cannot keep a real connection out.
      const [oldSocket, oldConn] = this.connecting.entries().next().value!;
      this.connecting.delete(oldSocket);
      this.opts.onLimit();
      oldSocket.destroy();
      oldConn.refuse();
    }
    const reader: HostReader = { deliver: () => true };
    const socket = connect({
      host,
      port: conn.localPort,
      allowHalfOpen: true,
      noDelay: true,
      onread: { buffer: HOST_READ_BUFFER, callback: (n, buf) => reader.deliver(buf, n) },
    });
    this.sockets.set(socket, () => false);
    this.connecting.set(socket, conn);
    let connected = false;
    const settle = () => this.connecting.delete(socket);
    const timer = setTimeout(() => {
      if (connected) return;
      conn.unreachable();
      socket.destroy();
    }, this.opts.connectTimeoutMs);
    socket.once('connect', () => {
      connected = true;
      settle();
      clearTimeout(timer);
      this.splice(conn, socket, reader);
      conn.accept();
    });
    socket.on('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      if (!connected) {
        if (err.code && UNREACHABLE.has(err.code)) conn.unreachable();
        else this.refuse(conn);
        return;
      }
      // ECONNRESET and friends: the host peer reset; so do we.
      conn.abort();
    });
    socket.once('close', () => {
      settle();
      clearTimeout(timer);
      this.sockets.delete(socket);
    });
    // Until the host connect succeeds; refused, unreachable or timed out, the flow goes too.
    conn.onClose = () => {
      if (connected) return;
      socket.destroy();
      this.onClosed(conn);
    };
  }

  private refuse(conn: Connection): void {
    this.onRefused(conn);
    conn.refuse();
  }

  private splice(conn: Connection, socket: Socket, reader: HostReader): void {
    let hostToNs: Buffer | null = null;
    let hostEnded = false;
    let nsFin = false;
    let closed = false;
    // Everything the namespace sent reached the host socket's kernel, FIN included.
    this.sockets.set(socket, () => nsFin && socket.writableFinished);

    const pumpToHost = () => {
      while (conn.readable > 0) {
        const chunk = conn.read(READ_CHUNK);
        if (!chunk) break;
        if (!socket.write(chunk)) return;
      }
      if (nsFin && conn.readable === 0 && !socket.writableEnded) socket.end();
    };
    const pumpToNs = () => {
      if (hostToNs) {
        const n = conn.write(hostToNs);
        if (n < hostToNs.length) {
          hostToNs = hostToNs.subarray(n);
          return;
        }
        hostToNs = null;
        socket.resume();
      }
      if (hostEnded) conn.shutdownWrite();
    };

    conn.onReadable = pumpToHost;
    socket.on('drain', pumpToHost);
    conn.onRemoteFin = () => {
      nsFin = true;
      pumpToHost();
    };
    reader.deliver = (buf, n) => {
      const taken = conn.write(buf, 0, n);
      if (taken === n) return true;
      // The shared read buffer is reused by the next read: keep the rest, and pause.
      hostToNs = Buffer.from(buf.subarray(taken, n));
      return false;
    };
    conn.onWritable = pumpToNs;
    socket.on('end', () => {
      hostEnded = true;
      if (!hostToNs) conn.shutdownWrite();
    });
    conn.onReset = () => {
      socket.resetAndDestroy();
    };
    conn.onClose = (_c, reason) => {
      if (closed) return;
      closed = true;
      if (reason !== 'normal') socket.resetAndDestroy();
      else if (!socket.writableEnded) socket.end();
      this.onClosed(conn);
    };
    socket.on('close', () => {
      // The host side is gone for good (both halves done, or destroyed): finish our side too.
      if (!closed && !hostEnded) conn.abort();
    });
  }

  /** TCP port 53 never leaves: faultnet's DNS handler answers it, with the same faults as UDP. */
  private serveDns(conn: Connection): void {
    let pending: Uint8Array[] = [];
    let finished = false;
    // RFC 7766: a client may half-close after its queries; answer them all, then our FIN.
    const finishIfDone = () => {
      if (finished && session.idle && pending.length === 0) conn.shutdownWrite();
    };
    const flushPending = () => {
      while (pending.length > 0) {
        const head = pending[0]!;
        const n = conn.write(head);
        if (n < head.length) {
          pending[0] = head.subarray(n);
          return;
        }
        pending.shift();
      }
      finishIfDone();
    };
    const session = new DnsTcpSession(this.dns, (bytes) => {
      pending.push(bytes);
      flushPending();
    });
    const readQueries = () => {
      // Pipelined queries beyond the session's bound stay in the connection: its window closes.
      while (session.hasRoom) {
        const chunk = conn.read();
        if (!chunk) break;
        session.push(chunk);
      }
    };
    session.onRoom = () => {
      readQueries();
      finishIfDone();
    };
    conn.onWritable = flushPending;
    conn.onReadable = readQueries;
    conn.onRemoteFin = () => {
      finished = true;
      finishIfDone();
    };
    conn.onClose = () => {
      session.close();
      pending = [];
      this.onClosed(conn);
    };
    conn.accept();
  }

  /** Host connections whose upload from the namespace is not complete yet. */
  get unfinished(): number {
    let n = 0;
    for (const [socket, complete] of this.sockets) if (!socket.destroyed && !complete()) n++;
    return n;
  }

  /**
   * Closes every host socket. One whose upload is incomplete is reset, so that the host peer
   * sees an error rather than a clean end of a truncated stream. Returns how many were reset.
   */
  close(): number {
    let reset = 0;
    for (const [socket, complete] of this.sockets) {
      if (socket.destroyed) continue;
      if (complete()) socket.destroy();
      else {
        socket.resetAndDestroy();
        reset++;
      }
    }
    this.sockets.clear();
    return reset;
  }
}
