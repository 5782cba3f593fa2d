import { Text } from 'ink';
import { useTheme } from './theme.js';

/** A one-row section heading drawn as a rule across the column. */
export function Section({ title, width }: { title: string; width: number }) {
  const theme = useTheme();
  return (
    <Text color={theme.accent} wrap="truncate">
      {`── ${title} ${'─'.repeat(Math.max(0, width - title.length - 4))}`}
    </Text>
  );
}

/** One row of text that never wraps (wrapping would push the screen past the terminal's height). */
export function Line({ children, color }: { children: string; color?: string | undefined }) {
  return (
    <Text color={color} wrap="truncate">
      {children}
    </Text>
  );
}
