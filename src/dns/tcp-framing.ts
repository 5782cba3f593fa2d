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

/**
 * One client's DNS-over-TCP connection (RFC 7766): pipelined queries are handled concurrently and
 * each answer is written, length-prefixed, as soon as it is ready, so answers may come out of order.
 */
export class DnsTcpSession {
  private readonly reader: DnsStreamReader;
  private closed = false;

  constructor(
    private readonly handler: DnsHandler,
    private readonly write: (bytes: Uint8Array) => void,
  ) {
    this.reader = new DnsStreamReader((message) => this.handler.handle(message, this.reply, 'tcp'));
  }

  push(bytes: Uint8Array): void {
    if (!this.closed) this.reader.push(bytes);
  }

  /** Answers still in progress are discarded when they arrive. */
  close(): void {
    this.closed = true;
  }

  private readonly reply = (response: Uint8Array): void => {
    if (!this.closed && response.length <= MAX_STREAM_MESSAGE) this.write(frameMessage(response));
  };
}
