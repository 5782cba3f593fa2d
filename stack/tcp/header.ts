import type { TcpRepr } from '../wire/tcp.js';

/** Resets `tx` to a header with these fields and no options; the caller sets ack and window. */
export function startHeader(
  tx: TcpRepr,
  srcPort: number,
  dstPort: number,
  seq: number,
  flags: number,
): TcpRepr {
  tx.srcPort = srcPort;
  tx.dstPort = dstPort;
  tx.seq = seq;
  tx.flags = flags;
  tx.urgent = 0;
  tx.mss = 0;
  tx.windowScale = -1;
  tx.sackPermitted = false;
  tx.sackCount = 0;
  tx.hasTimestamp = false;
  return tx;
}
