import { formatActivity } from './fault-activity.js';
import type { PhaseResult } from './phase-result.js';

export interface TableOptions {
  /** Adds the RSS growth column (the stress harness's). */
  rss?: boolean;
}

const signed = (n: number, digits: number) => `${n >= 0 ? '+' : ''}${n.toFixed(digits)}`;

function withDelta(value: string, delta: string | undefined): string {
  return delta === undefined ? value : `${value} (${delta})`;
}

function throughputDelta(r: PhaseResult, base: PhaseResult): string {
  if (base.opsPerSecond === 0) return 'n/a';
  return `${signed((r.opsPerSecond / base.opsPerSecond - 1) * 100, 0)}%`;
}

/**
 * One row per phase; every row after the first shows, in parentheses, its difference to the first
 * (the baseline): throughput in percent, error rate in percentage points, latency in ms.
 */
export function formatTable(results: readonly PhaseResult[], opts: TableOptions = {}): string {
  const base = results[0];
  const header = ['phase', 'ops', 'ops/s', 'errors', 'p50 ms', 'p95 ms', 'p99 ms'];
  if (opts.rss) header.push('rss growth');
  header.push('faults applied');
  const rows = results.map((r) => {
    const compare = base !== undefined && r !== base;
    const latency = (key: 'p50Ms' | 'p95Ms' | 'p99Ms') =>
      withDelta(r[key].toFixed(1), compare ? signed(r[key] - base[key], 1) : undefined);
    const row = [
      r.name,
      String(r.ops),
      withDelta(r.opsPerSecond.toFixed(1), compare ? throughputDelta(r, base) : undefined),
      withDelta(
        `${(r.errorRate * 100).toFixed(1)}%`,
        compare ? signed((r.errorRate - base.errorRate) * 100, 1) : undefined,
      ),
      latency('p50Ms'),
      latency('p95Ms'),
      latency('p99Ms'),
    ];
    if (opts.rss) row.push(`${signed(r.rss.growthKb, 0)} KiB`);
    row.push(formatActivity(r.faults));
    return row;
  });
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const last = header.length - 1;
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, i) => (i === 0 || i === last ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}
