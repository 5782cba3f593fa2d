import { Box, Text } from 'ink';
import {
  type DirectionStats,
  formatDiscards,
  type StatsSnapshot,
  totalDiscards,
} from '../src/metrics/index.js';
import { formatBytes, formatCount, formatMs, sparkline } from './format.js';
import { Line } from './section.js';
import { bucketMeans, type DirectionRate, type StatsState, totalDrops } from './stats-state.js';
import { useTheme } from './theme.js';

interface DirectionProps {
  label: string;
  stats: DirectionStats;
  rate: DirectionRate;
  spark: string;
}

function DirectionRows({ label, stats, rate, spark }: DirectionProps) {
  const theme = useTheme();
  const d = stats.drops;
  const rates = `${label}${formatCount(rate.packetsPerSec).padStart(7)} pkt/s ${formatBytes(rate.bytesPerSec).padStart(8)}/s  `;
  return (
    <Box flexDirection="column">
      <Box>
        <Text>{rates}</Text>
        <Text color={theme.accent} wrap="truncate">
          {spark}
        </Text>
      </Box>
      <Line color={totalDrops(stats) > 0 ? theme.bad : undefined}>
        {`  drop loss ${formatCount(d.loss)} burst ${formatCount(d.burst)} ge ${formatCount(d.gilbert)} qfull ${formatCount(d.queueFull)} · delayed ${formatCount(stats.delayed)} reordered ${formatCount(stats.reordered)} dup ${formatCount(stats.duplicated)}`}
      </Line>
    </Box>
  );
}

export interface TrafficPanelProps {
  stats: StatsState & { snapshot: StatsSnapshot };
  sparkWidth: number;
}

/** Per direction: rates now, a sparkline of bytes/s over the last minute, drops and other fault counters. */
export function TrafficPanel({ stats, sparkWidth }: TrafficPanelProps) {
  const { snapshot, rates, history } = stats;
  const spark = (pick: (r: typeof rates) => number) =>
    sparkline(bucketMeans(history, snapshot.uptimeMs, sparkWidth, pick));
  return (
    <Box flexDirection="column">
      <DirectionRows
        label="↑ uplink  "
        stats={snapshot.uplink}
        rate={rates.uplink}
        spark={spark((r) => r.uplink.bytesPerSec)}
      />
      <DirectionRows
        label="↓ downlink"
        stats={snapshot.downlink}
        rate={rates.downlink}
        spark={spark((r) => r.downlink.bytesPerSec)}
      />
    </Box>
  );
}

export function DnsLine({ snapshot }: { snapshot: StatsSnapshot }) {
  const dns = snapshot.dns;
  return (
    <Line>
      {`dns ${formatCount(dns.queries)} queries · delayed ${formatCount(dns.delayed)} · timeout ${formatCount(dns.timeout)} · nxdomain ${formatCount(dns.nxdomain)} · servfail ${formatCount(dns.servfail)}`}
    </Line>
  );
}

/**
 * The instrument's own effect: what faultnet discarded that no policy asked for, by cause, how
 * late its timers released held packets (p99 per direction), and what its own TCP sent again.
 */
export function InstrumentLine({ snapshot }: { snapshot: StatsSnapshot }) {
  const theme = useTheme();
  const late = (d: DirectionStats) => (d.lateness.count === 0 ? '-' : formatMs(d.lateness.p99Ms));
  const tcp = snapshot.tcp;
  return (
    <Line color={totalDiscards(snapshot.discards) > 0 ? theme.bad : undefined}>
      {`discarded, no policy: ${formatDiscards(snapshot.discards)} · late p99 ↑${late(snapshot.uplink)} ↓${late(snapshot.downlink)} · tcp resent ${formatCount(tcp.retransmittedSegments)}, rto ${formatCount(tcp.rtos)}, tlp ${formatCount(tcp.tailLossProbes)}`}
    </Line>
  );
}
