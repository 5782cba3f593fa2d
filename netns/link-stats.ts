import { closeSync, openSync, readSync } from 'node:fs';

/** The kernel's drop counters of one interface, cumulative since it was created. */
export interface LinkDrops {
  /** Packets the namespace sent that tun0's queue dropped before faultnet read them. */
  txDropped: number;
  /** Packets faultnet wrote that the namespace's receive path dropped. */
  rxDropped: number;
}

/**
 * Reads an interface's counters from the namespace's /proc/<pid>/net/dev. The file is opened once,
 * while a process of the namespace exists, and re-read from offset 0: an open procfs net file keeps
 * its namespace's view, so the counters stay readable after the program (and the launcher) exited.
 */
export class LinkStats {
  private readonly buf = Buffer.alloc(16 * 1024);

  private constructor(
    private fd: number,
    private readonly ifname: string,
  ) {}

  static open(pid: number, ifname: string): LinkStats {
    return new LinkStats(openSync(`/proc/${pid}/net/dev`, 'r'), ifname);
  }

  /** The current drop counters, or null once closed or if the interface is gone. */
  read(): LinkDrops | null {
    if (this.fd < 0) return null;
    const n = readSync(this.fd, this.buf, 0, this.buf.length, 0);
    const text = this.buf.toString('latin1', 0, n);
    for (const line of text.split('\n')) {
      const colon = line.indexOf(':');
      if (colon < 0 || line.slice(0, colon).trim() !== this.ifname) continue;
      // rx: bytes packets errs drop fifo frame compressed multicast; tx: bytes packets errs drop ...
      const f = line
        .slice(colon + 1)
        .trim()
        .split(/\s+/)
        .map(Number);
      return { rxDropped: f[3] ?? 0, txDropped: f[11] ?? 0 };
    }
    return null;
  }

  close(): void {
    if (this.fd < 0) return;
    closeSync(this.fd);
    this.fd = -1;
  }
}
