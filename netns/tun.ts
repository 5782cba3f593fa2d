import { closeSync, writeSync } from 'node:fs';
import { loadAddon, type ReaderHandle } from './addon.js';

/** Called once per batch: packet i is slab[meta[2i] .. meta[2i] + meta[2i+1]). Copy what you keep. */
export type BatchHandler = (slab: Buffer, meta: Int32Array, count: number) => void;

const MAX_BATCH = 256;

/**
 * A TUN device's file descriptor: batched reads from the event loop, synchronous writes.
 * Writes never block: a TUN write hands the packet to the kernel's receive path.
 */
export class Tun {
  private reader: ReaderHandle | undefined;
  private closed = false;
  readonly slab: Buffer;
  readonly meta = new Int32Array(MAX_BATCH * 2);
  writeErrors = 0;

  constructor(
    readonly fd: number,
    readonly mtu: number,
  ) {
    // Room for a full batch of MTU-sized packets, at least 4 of the largest.
    this.slab = Buffer.alloc(Math.max(mtu * 4, Math.min(MAX_BATCH * (mtu + 8), 4 << 20)));
  }

  static open(nsPath: string | null, name: string, mtu: number): Tun {
    return new Tun(loadAddon().openTun(nsPath, name), mtu);
  }

  start(onBatch: BatchHandler, onError: (message: string) => void): void {
    if (this.reader || this.closed) return;
    this.reader = loadAddon().startReader(this.fd, this.slab, this.meta, this.mtu, (count, error) => {
      if (error !== undefined) onError(error);
      else onBatch(this.slab, this.meta, count);
    });
  }

  /** Lets the process exit while the reader is still polling (the library's networks). */
  unref(): void {
    if (this.reader) loadAddon().setReaderUnref(this.reader, true);
  }

  write(buf: Uint8Array, off: number, len: number): void {
    if (this.closed) return;
    try {
      writeSync(this.fd, buf, off, len);
    } catch {
      // The namespace side may already be gone, or the packet malformed: count, never throw.
      this.writeErrors++;
    }
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.reader) loadAddon().stopReader(this.reader);
    this.reader = undefined;
    // The reader's uv_poll handle closes on the next loop turn; closing the fd now is safe
    // because the poll was stopped first.
    closeSync(this.fd);
  }
}
