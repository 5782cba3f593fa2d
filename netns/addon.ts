import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The native addon's surface: only what Node cannot do itself. */
export interface NativeAddon {
  /** Creates TUN device `name` (IFF_TUN|IFF_NO_PI, non-blocking) inside the network namespace at `nsPath`. */
  openTun(nsPath: string | null, name: string): number;
  /** Polls `fd` on the event loop and reads packets in batches into `slab`; see tun.c. */
  startReader(
    fd: number,
    slab: Buffer,
    meta: Int32Array,
    maxPacket: number,
    onBatch: (count: number, error?: string) => void,
  ): ReaderHandle;
  stopReader(handle: ReaderHandle): void;
  /** A thread that writes queued packets to `fd` in order; see tun.c. */
  startWriter(fd: number): WriterHandle;
  /** Copies one packet into the writer's queue; ignored once stopped. False when the ring was full and the packet was dropped. */
  writerPush(handle: WriterHandle, buf: Uint8Array, off: number, len: number): boolean | undefined;
  /** Writes out what is queued and ends the thread. */
  stopWriter(handle: WriterHandle): void;
  /** The writer thread: SCHED_FIFO at `priority` (1..99), or SCHED_OTHER for 0. */
  writerSetRealtime(handle: WriterHandle, priority: number): void;
  /** A disarmed one-shot timer (a timerfd on this thread's loop) that calls `onExpired`; see timer.c. */
  startTimer(onExpired: () => void): TimerHandle;
  /** Fires once after `delayMs` (nanosecond resolution), replacing any earlier arming. */
  armTimer(handle: TimerHandle, delayMs: number): void;
  stopTimer(handle: TimerHandle): void;
  /** malloc_trim(0): the C heap's free pages back to the kernel; true if any were released. */
  trimMemory(): boolean;
  /** The calling thread: SCHED_FIFO at `priority` (1..99), or SCHED_OTHER for 0; see priority.c. */
  setRealtime(priority: number): void;
}

export type TimerHandle = { readonly __timer: unique symbol };

export type WriterHandle = { readonly __writer: unique symbol };

export type ReaderHandle = { readonly __reader: unique symbol };

// Compiled files live in dist/netns/, sources in netns/: find the package root either way.
function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('faultnet: package root not found');
    dir = up;
  }
  return dir;
}

const buildDir = join(packageRoot(), 'netns', 'native', 'build', 'Release');

/** Path of the launcher executable (netns/native/launch.c). */
export const launcherPath = join(buildDir, 'faultnet-launch');
export const addonPath = join(buildDir, 'faultnet_native.node');

let cached: NativeAddon | undefined;

export function loadAddon(): NativeAddon {
  if (!cached) cached = createRequire(import.meta.url)(addonPath) as NativeAddon;
  return cached;
}
