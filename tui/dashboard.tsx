import { Box } from 'ink';
import type { StatsSnapshot } from '../src/metrics/index.js';
import type { PolicyList } from './backend.js';
import { FlowsPanel } from './flows-panel.js';
import { Header } from './header.js';
import { HelpOverlay } from './help-overlay.js';
import { planLayout } from './layout.js';
import { PoliciesPanel } from './policies-panel.js';
import { RulesPanel } from './rules-panel.js';
import { Line, Section } from './section.js';
import type { StatsState } from './stats-state.js';
import { KeyHints, StatusLine } from './status-line.js';
import { DnsLine, InstrumentLine, TrafficPanel } from './traffic-panel.js';
import type { Status } from './use-controls.js';

export interface DashboardProps {
  title: string;
  stats: StatsState;
  policies: PolicyList | null;
  cursor: number;
  help: boolean;
  status: Status;
  logPath?: string | undefined;
  columns: number;
  rows: number;
}

/** The whole screen for one state; no state of its own. */
export function Dashboard(props: DashboardProps) {
  const { stats, columns, rows } = props;
  const layout = planLayout(columns, rows);
  const snapshot = stats.snapshot;
  let body = <Line>waiting for the first snapshot…</Line>;
  if (props.help) body = <HelpOverlay />;
  else if (snapshot !== null) {
    const withSnapshot = { ...stats, snapshot };
    const traffic = (
      <Box flexDirection="column">
        {layout.wide ? <Section title="traffic entering the fault pipelines" width={layout.width} /> : null}
        <TrafficPanel stats={withSnapshot} sparkWidth={layout.sparkWidth} />
        {layout.wide ? <Section title="dns" width={layout.width} /> : null}
        <DnsLine snapshot={snapshot} />
        <InstrumentLine snapshot={snapshot} />
      </Box>
    );
    const policies = (
      <PoliciesPanel
        list={props.policies}
        cursor={props.cursor}
        lines={layout.policyLines}
        width={layout.width}
        wide={layout.wide}
      />
    );
    const activity = <Activity snapshot={snapshot} layout={layout} />;
    body = layout.wide ? (
      <Box>
        <Box flexDirection="column" width={layout.width} marginRight={1}>
          {traffic}
          {policies}
        </Box>
        <Box flexDirection="column" width={layout.width}>
          {activity}
        </Box>
      </Box>
    ) : (
      <Box flexDirection="column">
        {traffic}
        {activity}
        {policies}
      </Box>
    );
  }
  return (
    <Box flexDirection="column" width={columns} height={rows - 1} overflow="hidden">
      <Header title={props.title} snapshot={snapshot} />
      <Box flexDirection="column" flexGrow={1}>
        {body}
      </Box>
      <StatusLine status={props.status} logPath={props.logPath} />
      <KeyHints />
    </Box>
  );
}

function Activity({ snapshot, layout }: { snapshot: StatsSnapshot; layout: ReturnType<typeof planLayout> }) {
  return (
    <Box flexDirection="column">
      <FlowsPanel snapshot={snapshot} limit={layout.flows} width={layout.width} />
      <RulesPanel rules={snapshot.rules} limit={layout.rules} width={layout.width} wide={layout.wide} />
    </Box>
  );
}
