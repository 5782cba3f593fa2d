import type { DirectionFaults, DnsFaults, Policy } from '../src/policy/index.js';
import { formatTarget } from '../src/policy/targets.js';
import { formatBits, formatBytes, formatMs, formatPercent } from './format.js';

/** `50ms±10ms`, with the distribution when it is not uniform. */
export function describeDelay(latencyMs: number, jitterMs: number, distribution: string): string {
  const jitter = jitterMs > 0 ? `±${formatMs(jitterMs)}` : '';
  const shape = jitterMs > 0 && distribution !== 'uniform' ? ` ${distribution}` : '';
  return `${formatMs(latencyMs)}${jitter}${shape}`;
}

/** The faults of one direction that are on, e.g. `latency 50ms±10ms, loss 1%`. */
export function describeFaults(d: DirectionFaults): string {
  const parts: string[] = [];
  if (d.latencyMs > 0 || d.jitterMs > 0)
    parts.push(`latency ${describeDelay(d.latencyMs, d.jitterMs, d.distribution)}`);
  if (d.packetLoss > 0)
    parts.push(`loss ${formatPercent(d.packetLoss)}${d.burstLoss > 1 ? ` burst ${d.burstLoss}` : ''}`);
  const ge = d.correlatedLoss;
  if (ge !== null) parts.push(`gilbert ${formatPercent(ge.pGoodToBad)}/${formatPercent(ge.pBadToGood)}`);
  if (d.reorder !== null) {
    parts.push(
      `reorder ${formatPercent(d.reorder.prob)} w${d.reorder.window} ${formatMs(d.reorder.maxDelayMs)}`,
    );
  }
  if (d.duplicate !== null) parts.push(`dup ${formatPercent(d.duplicate.prob)} ×${d.duplicate.maxExtra}`);
  if (d.rate !== null) {
    const limit = d.rate.limitUnit === 'packets' ? `${d.rate.limit}p` : formatBytes(d.rate.limit);
    parts.push(`rate ${formatBits(d.rate.bitsPerSecond)} q${limit}`);
  }
  return parts.length === 0 ? 'none' : parts.join(', ');
}

function describeDns(dns: DnsFaults): string {
  const parts: string[] = [];
  if (dns.delayProb > 0) {
    parts.push(
      `delay ${formatMs(dns.delayMs)}${dns.delayProb < 1 ? `@${formatPercent(dns.delayProb)}` : ''}`,
    );
  }
  if (dns.timeoutProb > 0) parts.push(`timeout ${formatPercent(dns.timeoutProb)}`);
  if (dns.nxdomainProb > 0) parts.push(`nxdomain ${formatPercent(dns.nxdomainProb)}`);
  if (dns.servfailProb > 0) parts.push(`servfail ${formatPercent(dns.servfailProb)}`);
  return parts.length === 0 ? 'none' : parts.join(', ');
}

/** Both directions' faults, once when they are the same. */
export function describeDirections(uplink: DirectionFaults, downlink: DirectionFaults): string {
  const up = describeFaults(uplink);
  const down = describeFaults(downlink);
  return up === down ? up : `↑ ${up} ↓ ${down}`;
}

/** A policy's fields on one line: packet faults (per direction when they differ), DNS faults, targets, seed. */
export function describePolicy(p: Policy): string {
  const parts = [describeDirections(p.uplink, p.downlink)];
  if (p.dns !== null) parts.push(`dns ${describeDns(p.dns)}`);
  parts.push(p.targets.length === 0 ? 'all traffic' : `on ${p.targets.map(formatTarget).join(' ')}`);
  if (p.seed !== null) parts.push(`seed ${p.seed}`);
  return parts.join(' · ');
}
