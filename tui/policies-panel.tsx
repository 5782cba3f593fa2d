import { Box, Text } from 'ink';
import type { PolicyList } from './backend.js';
import { describePolicy } from './policy-text.js';
import { Line, Section } from './section.js';
import { useTheme } from './theme.js';

export interface PoliciesPanelProps {
  list: PolicyList | null;
  cursor: number;
  /** Rows for fields, besides the heading and the list row. */
  lines: number;
  width: number;
  wide: boolean;
}

/** `›2 [x] slow`: the cursor, the number key, and whether it is active, readable without colour. */
function PolicyEntry({
  list,
  name,
  index,
  cursor,
}: {
  list: PolicyList;
  name: string;
  index: number;
  cursor: number;
}) {
  const theme = useTheme();
  const active = list.active.includes(name);
  const number = index < 9 ? String(index + 1) : ' ';
  return (
    <Text bold={index === cursor} color={active ? theme.good : undefined}>
      {`${index === cursor ? '›' : ' '}${number} [${active ? 'x' : ' '}] ${name} `}
    </Text>
  );
}

/** Wide: every registered policy on its own row with its fields. */
function PolicyRows({ list, cursor, rows }: { list: PolicyList; cursor: number; rows: number }) {
  return (
    <Box flexDirection="column">
      {list.registered.slice(0, rows).map((name, i) => (
        <Box key={name}>
          <Box flexShrink={0}>
            <PolicyEntry list={list} name={name} index={i} cursor={cursor} />
          </Box>
          <Text wrap="truncate">{` ${describePolicy(list.policies[name]!)}`}</Text>
        </Box>
      ))}
    </Box>
  );
}

/** Narrow: the registered names on one row, then the fields of the active policies. */
function PolicyStrip({ list, cursor, lines }: { list: PolicyList; cursor: number; lines: number }) {
  return (
    <Box flexDirection="column">
      <Box height={1} overflow="hidden">
        {list.registered.map((name, i) => (
          <PolicyEntry key={name} list={list} name={name} index={i} cursor={cursor} />
        ))}
      </Box>
      {list.active.slice(0, lines).map((name) => {
        const policy = list.policies[name];
        return <Line key={name}>{`${name}: ${policy === undefined ? '?' : describePolicy(policy)}`}</Line>;
      })}
    </Box>
  );
}

export function PoliciesPanel({ list, cursor, lines, width, wide }: PoliciesPanelProps) {
  let body = <Line>loading policies…</Line>;
  if (list !== null && list.registered.length === 0) body = <Line>no policies registered</Line>;
  else if (list !== null && wide) body = <PolicyRows list={list} cursor={cursor} rows={lines + 1} />;
  else if (list !== null) body = <PolicyStrip list={list} cursor={cursor} lines={lines} />;
  return (
    <Box flexDirection="column">
      <Section title="policies: 1-9 or ←→+enter switch · space toggles · [x] active" width={width} />
      {body}
    </Box>
  );
}
