import { readU16, writeU16 } from '../../stack/wire/bytes.js';
import type { DnsHandler } from './handler.js';

/** The largest message a 2-byte length prefix can carry. */
export const MAX_STREAM_MESSAGE = 0xffff;

/** `message` with its RFC 1035 4.2.2 two-byte length prefix, in one buffer (one write). */
export function frameMessage(message: Uint8Array): Uint8Array {
  const out = new Uint8Array(2 + message.length);
  writeU16(out, 0, message.length);
  out.set(message, 2);
  return out;
}

/** Splits a DNS-over-TCP byte stream into messages, whatever the chunking. */
export class DnsStreamReader {
  private pending: Uint8Array = new Uint8Array(0);

  constructor(private readonly onMessage: (message: Uint8Array) => void) {}

  push(bytes: Uint8Array): void {
    let buf = bytes;
    if (this.pending.length > 0) {
      buf = new Uint8Array(this.pending.length + bytes.length);
      buf.set(this.pending, 0);
      buf.set(bytes, this.pending.length);
    }
    let at = 0;
    while (buf.length - at >= 2) {
      const end = at + 2 + readU16(buf, at);
      if (end > buf.length) break;
      this.onMessage(buf.subarray(at + 2, end));
      at = end;
    }
    // Copied, because the caller may reuse the chunk it handed in.
    this.pending = buf.slice(at);
  }
}

/** Queries of one connection in progress at once; more wait, and the caller stops reading. */
export const MAX_PIPELINED = 64;

/**
 * One client's DNS-over-TCP connection (RFC 7766): pipelined queries are handled concurrently, up
 * to MAX_PIPELINED, and each answer is written, length-prefixed, as soon as it is ready, so
 * answers may come out of order.
 */
export class DnsTcpSession {
  private readonly reader: DnsStreamReader;
  private readonly waiting: Uint8Array[] = [];
  private inProgress = 0;
  private closed = false;
  /** Called when the session has room for more queries again (read more from the connection). */
  onRoom?: () => void;

  constructor(
    private readonly handler: DnsHandler,
    private readonly write: (bytes: Uint8Array) => void,
  ) {
    this.reader = new DnsStreamReader((message) => {
      this.waiting.push(message.slice());
      this.startWaiting();
    });
  }

  /** False while queries wait for room: read nothing more until `onRoom`. */
  get hasRoom(): boolean {
    return this.waiting.length === 0 && this.inProgress < MAX_PIPELINED;
  }

  /** Every query read so far has been answered (or will never be). */
  get idle(): boolean {
    return this.waiting.length === 0 && this.inProgress === 0;
  }

  push(bytes: Uint8Array): void {
    if (!this.closed) this.reader.push(bytes);
  }

  /** Answers still in progress are discarded when they arrive. */
  close(): void {
    this.closed = true;
  }

  private startWaiting(): void {
    while (this.waiting.length > 0 && this.inProgress < MAX_PIPELINED && !this.closed) {
      this.inProgress++;
      let done = false;
      const finish = () => {
        if (done) return;
        done = true;
        this.inProgress--;
        this.startWaiting();
        if (this.hasRoom) this.onRoom?.();
      };
      this.handler.handle(
        this.waiting.shift()!,
        (response) => {
          if (!this.closed && response.length <= MAX_STREAM_MESSAGE) this.write(frameMessage(response));
          finish();
        },
        'tcp',
        { noAnswer: finish },
      );
    }
  }
}
