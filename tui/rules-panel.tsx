import { Box } from 'ink';
import type { RuleDirectionStats, RuleStats } from '../src/metrics/index.js';
import { formatCount, formatMs } from './format.js';
import { describeDelay } from './policy-text.js';
import { Line, Section } from './section.js';
import { totalDrops } from './stats-state.js';
import { useTheme } from './theme.js';

const KEY_WIDTH = 10;

/** One direction of a rule: hits, and the delay asked for beside the delay measured. */
export function ruleDirectionText(d: RuleDirectionStats): string {
  const c = d.configured;
  const m = d.addedDelay;
  const measured =
    m.count === 0
      ? 'no delay measured yet'
      : `p50/p95/p99 ${formatMs(m.p50Ms)}/${formatMs(m.p95Ms)}/${formatMs(m.p99Ms)}`;
  return `${formatCount(d.packetsIn).padStart(6)} pkts  cfg ${describeDelay(c.latencyMs, c.jitterMs, c.distribution)}  ${measured}`;
}

/** Narrow: two rows, the key in the first. Wide: a row naming the rule's target and drops, then two. */
function RuleRows({ rule, wide }: { rule: RuleStats; wide: boolean }) {
  const theme = useTheme();
  const color = rule.active ? undefined : theme.muted;
  const key =
    rule.key.length > KEY_WIDTH ? `${rule.key.slice(0, KEY_WIDTH - 1)}…` : rule.key.padEnd(KEY_WIDTH);
  const indent = wide ? '  ' : ''.padEnd(KEY_WIDTH);
  return (
    <Box flexDirection="column">
      {wide ? (
        <Line color={color}>
          {`${rule.key} ${rule.target ?? 'all traffic'} · drops ↑${formatCount(totalDrops(rule.uplink))} ↓${formatCount(totalDrops(rule.downlink))}${rule.active ? '' : ' · inactive'}`}
        </Line>
      ) : null}
      <Line color={color}>{`${wide ? indent : key} ↑ ${ruleDirectionText(rule.uplink)}`}</Line>
      <Line color={color}>{`${indent} ↓ ${ruleDirectionText(rule.downlink)}`}</Line>
    </Box>
  );
}

/** Active rules first, then by packets matched. */
export function rankRules(rules: readonly RuleStats[]): RuleStats[] {
  const hits = (r: RuleStats) => r.uplink.packetsIn + r.downlink.packetsIn;
  return [...rules].sort((a, b) => Number(b.active) - Number(a.active) || hits(b) - hits(a));
}

export interface RulesPanelProps {
  rules: readonly RuleStats[];
  limit: number;
  width: number;
  wide: boolean;
}

export function RulesPanel({ rules, limit, width, wide }: RulesPanelProps) {
  const shown = rankRules(rules).slice(0, limit);
  return (
    <Box flexDirection="column">
      <Section title="rules: hits · configured vs measured added delay" width={width} />
      {shown.map((r) => (
        <RuleRows key={r.key} rule={r} wide={wide} />
      ))}
      {shown.length === 0 && limit > 0 ? <Line>no rule has matched yet</Line> : null}
    </Box>
  );
}
