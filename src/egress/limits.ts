import { readFileSync } from 'node:fs';

/** How many host sockets faultnet opens for the namespace: each is a descriptor of faultnet's own. */
export interface HostSocketLimits {
  /** Host TCP connections, connecting or established; a SYN past it is reset (`connectLimit`). */
  maxTcp: number;
  /** Of those, connects still in progress: a SYN flood cannot hold every descriptor. */
  maxConnecting: number;
  /** Host UDP sockets (one per namespace source address and port); past it datagrams are counted as `udpSocketLimit`. */
  maxUdp: number;
}

/**
 * Descriptors faultnet keeps for itself whatever the socket limits say: the TUN, the control
 * socket and its 64 sessions, DNS upstream sockets, policy and log files.
 */
export const RESERVED_DESCRIPTORS = 128;

/** The soft limit on open files, as the kernel enforces it on this process. */
export function openFileLimit(): number {
  try {
    const line = readFileSync('/proc/self/limits', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('Max open files'));
    const soft = Number(line?.split(/\s{2,}/)[1]);
    if (Number.isInteger(soft) && soft > 0) return soft;
  } catch {}
  return 1024;
}

/**
 * Defaults that leave a fifth of the descriptors to faultnet itself (the TUN, the control socket
 * and its clients, DNS upstream sockets, files): 70% for TCP, 10% for UDP.
 */
export function defaultHostSocketLimits(nofile = openFileLimit()): HostSocketLimits {
  const maxTcp = Math.max(64, Math.floor(nofile * 0.7));
  return {
    maxTcp,
    maxConnecting: Math.min(1024, maxTcp),
    maxUdp: Math.max(16, Math.min(4096, Math.floor(nofile * 0.1))),
  };
}
