import { Box, Text } from 'ink';
import { useTheme } from './theme.js';
import type { Status } from './use-controls.js';

export interface StatusLineProps {
  status: Status;
  logPath?: string | undefined;
}

/** The outcome of the last key, and where the program's output goes. */
export function StatusLine({ status, logPath }: StatusLineProps) {
  const theme = useTheme();
  const color = { info: theme.good, pending: theme.warn, error: theme.bad }[status.tone];
  return (
    <Box>
      <Text color={color} wrap="truncate">
        {`» ${status.text}`}
      </Text>
      {logPath === undefined ? null : (
        <Box flexShrink={0}>
          <Text color={theme.muted}>{`  log: ${logPath}`}</Text>
        </Box>
      )}
    </Box>
  );
}

export function KeyHints() {
  const theme = useTheme();
  return (
    <Text color={theme.muted} wrap="truncate">
      1-9 policy · p pause · +/- latency · [/] loss · r reset · ? help · q quit
    </Text>
  );
}
