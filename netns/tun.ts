import { loadAddon, type ReaderHandle, type WriterHandle } from './addon.js';

/** Called once per batch: packet i is slab[meta[2i] .. meta[2i] + meta[2i+1]). Copy what you keep. */
export type BatchHandler = (slab: Uint8Array, meta: Int32Array, count: number) => void;

const MAX_BATCH = 256;

/**
 * Reading and writing a TUN device's descriptor: batched reads on the event loop, writes queued to
 * a writer thread (a TUN write runs the namespace's whole receive path, too slow for the event
 * loop). The descriptor belongs to whoever opened it (`openTun`); `stop` leaves it open.
 */
export class Tun {
  private reader: ReaderHandle | undefined;
  private readonly writer: WriterHandle;
  private closed = false;
  readonly slab: Buffer;
  /** The slab as a plain Uint8Array: its `slice` copies, unlike Buffer's. */
  private readonly bytes: Uint8Array;
  readonly meta = new Int32Array(MAX_BATCH * 2);

  constructor(
    readonly fd: number,
    readonly mtu: number,
  ) {
    // Room for a full batch of MTU-sized packets, at least 4 of the largest.
    this.slab = Buffer.alloc(Math.max(mtu * 4, Math.min(MAX_BATCH * (mtu + 8), 4 << 20)));
    this.bytes = new Uint8Array(this.slab.buffer, this.slab.byteOffset, this.slab.length);
    this.writer = loadAddon().startWriter(fd);
  }

  start(onBatch: BatchHandler, onError: (message: string) => void): void {
    if (this.reader || this.closed) return;
    this.reader = loadAddon().startReader(this.fd, this.slab, this.meta, this.mtu, (count, error) => {
      if (error !== undefined) onError(error);
      else onBatch(this.bytes, this.meta, count);
    });
  }

  /** Queues one packet (copied); never throws, never waits. False when the writer's ring was full and it was dropped. */
  write(buf: Uint8Array, off: number, len: number): boolean {
    if (this.closed) return true;
    return loadAddon().writerPush(this.writer, buf, off, len) !== false;
  }

  /** The writer thread's scheduling: SCHED_FIFO at `priority` (1..99) or SCHED_OTHER (0). Throws without the privilege. */
  setWriterRealtime(priority: number): void {
    if (!this.closed) loadAddon().writerSetRealtime(this.writer, priority);
  }

  /** Stops reading and writes out what is queued; the descriptor may be closed after it returns. */
  stop(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.reader) loadAddon().stopReader(this.reader);
    this.reader = undefined;
    loadAddon().stopWriter(this.writer);
  }
}

/** Opens (creating) the TUN device `name` in the network namespace at `nsPath`: its descriptor. */
export function openTun(nsPath: string | null, name: string): number {
  return loadAddon().openTun(nsPath, name);
}
