import { loadAddon } from './addon.js';

/**
 * Gives the C heap's free pages back to the kernel (malloc_trim): what freed connection buffers
 * and sockets leave in glibc's per-thread arenas stays resident otherwise. It locks one arena at a
 * time, so call it from a thread that carries no packets. True if any pages were released.
 */
export function trimMemory(): boolean {
  return loadAddon().trimMemory();
}
