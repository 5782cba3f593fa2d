import { Box } from 'ink';
import type { FlowStats, StatsSnapshot } from '../src/metrics/index.js';
import { formatBytes, printable } from './format.js';
import { Line, Section } from './section.js';

function endpoint(address: string, port: number): string {
  const host = address.includes(':') ? `[${address}]` : address;
  return port === 0 ? host : `${host}:${port}`;
}

/** Bytes first, so a narrow screen truncates the names rather than the numbers. */
export function flowText(f: FlowStats): string {
  const bytes = `↑${formatBytes(f.bytesUp).padStart(7)} ↓${formatBytes(f.bytesDown).padStart(7)}`;
  const route = `${f.proto} ${endpoint(f.src, f.srcPort)} → ${endpoint(f.dst, f.dstPort)}`;
  const name = f.hostname === undefined ? '' : ` ${printable(f.hostname)}`;
  const rule = f.rule === undefined ? ' (no rule)' : ` [${f.rule}]`;
  return `${bytes}  ${route}${name}${rule}`;
}

export interface FlowsPanelProps {
  snapshot: StatsSnapshot;
  limit: number;
  width: number;
}

export function FlowsPanel({ snapshot, limit, width }: FlowsPanelProps) {
  const flows = snapshot.topFlows.slice(0, limit);
  return (
    <Box flexDirection="column">
      <Section
        title={`flows: tcp ${snapshot.flows.tcp} · udp ${snapshot.flows.udp} · top by bytes`}
        width={width}
      />
      {flows.map((f) => (
        <Line key={`${f.proto} ${f.src} ${f.srcPort} ${f.dst} ${f.dstPort}`}>{flowText(f)}</Line>
      ))}
      {flows.length === 0 && limit > 0 ? <Line>no flows yet</Line> : null}
    </Box>
  );
}
