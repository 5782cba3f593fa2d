import { Box, Text } from 'ink';
import { KEY_HELP } from './keymap.js';
import { useTheme } from './theme.js';

export function HelpOverlay() {
  const theme = useTheme();
  return (
    <Box flexDirection="column" borderStyle="round" borderColor={theme.accent} paddingX={1}>
      <Text bold>keys (any key closes)</Text>
      {KEY_HELP.map(([keys, what]) => (
        <Text key={`${keys}${what}`} wrap="truncate">
          {`${keys.padEnd(9)} ${what}`}
        </Text>
      ))}
    </Box>
  );
}
