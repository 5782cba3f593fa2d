import { Box, Text } from 'ink';
import { type StatsSnapshot, totalDiscards } from '../src/metrics/index.js';
import { formatCount, formatUptime } from './format.js';
import { useTheme } from './theme.js';

export interface HeaderProps {
  title: string;
  snapshot: StatsSnapshot | null;
}

export function Header({ title, snapshot }: HeaderProps) {
  const theme = useTheme();
  if (snapshot === null) {
    return <Text wrap="truncate">{`${title} · waiting for the first snapshot…`}</Text>;
  }
  const policies = snapshot.policies.length === 0 ? 'none' : snapshot.policies.join(', ');
  return (
    <Box>
      <Text bold color={theme.accent}>
        {title}
      </Text>
      <Text> · </Text>
      {snapshot.paused ? (
        <Text bold color={theme.warn}>
          PAUSED
        </Text>
      ) : (
        <Text color={theme.good}>RUNNING</Text>
      )}
      <Text wrap="truncate">
        {` · up ${formatUptime(snapshot.uptimeMs)} · discarded ${formatCount(totalDiscards(snapshot.discards))}${snapshot.seed === null ? '' : ` · seed ${snapshot.seed}`} · policies: ${policies}`}
      </Text>
    </Box>
  );
}
