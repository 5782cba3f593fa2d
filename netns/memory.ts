import { loadAddon } from './addon.js';

/**
 * Gives the C heap's free pages back to the kernel (malloc_trim): what freed connection buffers
 * and sockets leave in glibc's per-thread arenas stays resident otherwise. It locks one arena at a
 * time, so call it from a thread that carries no packets. True if any pages were released.
 */
export function trimMemory(): boolean {
  return loadAddon().trimMemory();
}

/**
 * A check to call every few seconds that trims once the resident set has grown by `growthBytes`
 * since the last trim, or `everyMs` has passed: a trim holds each arena for 1.2-2.0 ms (measured
 * at 86 MiB resident), and a packet allocating on another thread meanwhile waits for it, so an
 * idle or steady process should not pay that every few seconds.
 */
export function trimmerOnGrowth(growthBytes: number, everyMs: number): () => void {
  let base = process.memoryUsage.rss();
  let last = performance.now();
  return () => {
    const now = performance.now();
    if (process.memoryUsage.rss() - base < growthBytes && now - last < everyMs) return;
    trimMemory();
    base = process.memoryUsage.rss();
    last = now;
  };
}
