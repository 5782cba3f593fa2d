import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';
import { cleanup, render } from 'ink-testing-library';
import type { PolicyList } from '../../tui/backend.js';
import { Dashboard, type DashboardProps } from '../../tui/dashboard.js';
import { FlowsPanel } from '../../tui/flows-panel.js';
import { Header } from '../../tui/header.js';
import { HelpOverlay } from '../../tui/help-overlay.js';
import { PoliciesPanel } from '../../tui/policies-panel.js';
import { RulesPanel } from '../../tui/rules-panel.js';
import { EMPTY_STATS, nextStats } from '../../tui/stats-state.js';
import { StatusLine } from '../../tui/status-line.js';
import { DnsLine, InstrumentLine, TrafficPanel } from '../../tui/traffic-panel.js';
import { fixturePolicies, frameLines, renderSized, SNAP_A, SNAP_B } from './tui-fixtures.js';

afterEach(cleanup);

const STATS = nextStats(nextStats(EMPTY_STATS, SNAP_A), SNAP_B);
const POLICIES: PolicyList = {
  registered: ['dnsflaky', 'kitchen', 'lossy', 'slow'],
  active: ['slow', 'lossy'],
  policies: fixturePolicies(),
};

test('header: title, running or paused, uptime, discarded packets, seed, active policies', () => {
  const { lastFrame, rerender } = render(<Header title="faultnet" snapshot={SNAP_B} />);
  assert.equal(lastFrame(), 'faultnet · RUNNING · up 11s · discarded 4 · seed 42 · policies: slow');
  rerender(<Header title="faultnet" snapshot={{ ...SNAP_B, paused: true, policies: [], seed: null }} />);
  assert.equal(lastFrame(), 'faultnet · PAUSED · up 11s · discarded 4 · policies: none');
  rerender(<Header title="x" snapshot={null} />);
  assert.equal(lastFrame(), 'x · waiting for the first snapshot…');
});

test('traffic: per direction the rates between two snapshots, a sparkline, drops by cause and other faults', () => {
  const stats = { ...STATS, snapshot: SNAP_B };
  const lines = frameLines(render(<TrafficPanel stats={stats} sparkWidth={10} />).lastFrame());
  assert.deepEqual(lines, [
    '↑ uplink    1.00k pkt/s   1.00MB/s           █',
    '  drop loss 77 burst 22 ge 0 qfull 11 · delayed 9.90k reordered 33 dup 22',
    '↓ downlink  2.00k pkt/s   2.00MB/s           █',
    '  drop loss 154 burst 44 ge 0 qfull 22 · delayed 19.8k reordered 66 dup 44',
  ]);
});

test('dns: queries and faults by kind', () => {
  assert.equal(
    render(<DnsLine snapshot={SNAP_B} />).lastFrame(),
    'dns 120 queries · delayed 3 · timeout 1 · nxdomain 12 · servfail 5',
  );
});

test('instrument line: discards by cause (none when nothing was), lateness, what our TCP resent', () => {
  assert.equal(
    render(<InstrumentLine snapshot={SNAP_B} />).lastFrame(),
    'discarded, no policy: malformed 4 · late p99 ↑1.20ms ↓1.20ms · tcp resent 132, rto 11, tlp 22',
  );
  const clean = { ...SNAP_B, discards: { ...SNAP_B.discards, malformed: 0 } };
  assert.equal(
    render(<InstrumentLine snapshot={clean} />).lastFrame(),
    'discarded, no policy: none · late p99 ↑1.20ms ↓1.20ms · tcp resent 132, rto 11, tlp 22',
  );
});

test('flows: counts by transport, top flows with addresses, ports, hostname and rule', () => {
  const lines = frameLines(render(<FlowsPanel snapshot={SNAP_B} limit={5} width={100} />).lastFrame());
  assert.deepEqual(lines, [
    `── flows: tcp 3 · udp 1 · top by bytes ${'─'.repeat(61)}`,
    '↑ 1.32MB ↓ 49.5MB  tcp 10.0.2.100:43210 → 93.184.216.34:443 api.example.com [slow#0]',
    '↑ 9.90kB ↓ 22.0kB  udp [fd00:fa17::100]:5353 → [2001:db8::53]:53 (no rule)',
  ]);
  const one = frameLines(render(<FlowsPanel snapshot={SNAP_B} limit={1} width={40} />).lastFrame());
  assert.equal(one.length, 2);
  const none = { ...SNAP_B, topFlows: [] };
  assert.equal(
    frameLines(render(<FlowsPanel snapshot={none} limit={3} width={40} />).lastFrame())[1],
    'no flows yet',
  );
});

test('rules: hits, configured against measured delay, active rules first; wide adds target and drops', () => {
  const rules = [...SNAP_B.rules].reverse();
  const narrow = frameLines(
    render(<RulesPanel rules={rules} limit={2} width={80} wide={false} />).lastFrame(),
  );
  assert.deepEqual(narrow.slice(1), [
    'slow#0     ↑  11.0k pkts  cfg 50.0ms±10.0ms  p50/p95/p99 50.2ms/58.9ms/59.9ms',
    '           ↓  22.0k pkts  cfg 50.0ms±10.0ms  p50/p95/p99 50.2ms/58.9ms/59.9ms',
    'lossy      ↑      0 pkts  cfg 0.00ms±10.0ms  no delay measured yet',
    '           ↓      0 pkts  cfg 0.00ms±10.0ms  no delay measured yet',
  ]);
  const wide = frameLines(render(<RulesPanel rules={rules} limit={2} width={90} wide />).lastFrame());
  assert.deepEqual(wide.slice(1), [
    'slow#0 tcp://*.example.com:443 · drops ↑110 ↓220',
    '   ↑  11.0k pkts  cfg 50.0ms±10.0ms  p50/p95/p99 50.2ms/58.9ms/59.9ms',
    '   ↓  22.0k pkts  cfg 50.0ms±10.0ms  p50/p95/p99 50.2ms/58.9ms/59.9ms',
    'lossy all traffic · drops ↑0 ↓0 · inactive',
    '   ↑      0 pkts  cfg 0.00ms±10.0ms  no delay measured yet',
    '   ↓      0 pkts  cfg 0.00ms±10.0ms  no delay measured yet',
  ]);
  const limited = frameLines(
    render(<RulesPanel rules={rules} limit={1} width={80} wide={false} />).lastFrame(),
  );
  assert.equal(limited.length, 3);
});

test('policies, narrow: the registered names with cursor and [x] for active, then the active fields', () => {
  const lines = frameLines(
    render(<PoliciesPanel list={POLICIES} cursor={1} lines={2} width={100} wide={false} />).lastFrame(),
  );
  assert.deepEqual(lines.slice(1), [
    ' 1 [ ] dnsflaky ›2 [ ] kitchen  3 [x] lossy  4 [x] slow',
    'slow: latency 50.0ms±10.0ms, loss 1% · on tcp://*.example.com:443',
    'lossy: ↑ none ↓ loss 5% burst 3 · all traffic · seed 7',
  ]);
});

test('policies, wide: one row per registered policy with its fields', () => {
  const lines = frameLines(
    render(<PoliciesPanel list={POLICIES} cursor={3} lines={10} width={100} wide />).lastFrame(),
  );
  assert.equal(lines.length, 5);
  assert.equal(lines[1], ' 1 [ ] dnsflaky  none · dns delay 200ms@50%, nxdomain 10% · all traffic');
  assert.match(lines[2]!, /^ 2 \[ \] kitchen {2}↑ latency 20\.0ms±0\.25ms pareto/);
  assert.equal(lines[4], '›4 [x] slow  latency 50.0ms±10.0ms, loss 1% · on tcp://*.example.com:443');
});

test('policies before they are loaded, and with none registered', () => {
  const loading = render(<PoliciesPanel list={null} cursor={0} lines={2} width={40} wide={false} />);
  assert.equal(frameLines(loading.lastFrame())[1], 'loading policies…');
  const empty = { registered: [], active: [], policies: {} };
  const none = render(<PoliciesPanel list={empty} cursor={0} lines={2} width={40} wide={false} />);
  assert.equal(frameLines(none.lastFrame())[1], 'no policies registered');
});

test('status line: the last action and the log path', () => {
  const { lastFrame } = render(
    <StatusLine status={{ text: 'active: lossy', tone: 'info' }} logPath="/tmp/faultnet-1.log" />,
  );
  assert.equal(lastFrame(), '» active: lossy  log: /tmp/faultnet-1.log');
});

test('help overlay lists every key', () => {
  const frame = render(<HelpOverlay />).lastFrame() ?? '';
  for (const key of ['1-9', 'enter', 'space', 'p ', '+ / -', '] / [', 'r ', '?', 'q ', '<policy>.tuned']) {
    assert.ok(frame.includes(key), key);
  }
});

function dashboard(columns: number, rows: number, overrides: Partial<DashboardProps> = {}) {
  const props: DashboardProps = {
    title: 'faultnet',
    stats: STATS,
    policies: POLICIES,
    cursor: 0,
    help: false,
    status: { text: 'active: slow', tone: 'info' },
    logPath: '/tmp/faultnet-1.log',
    columns,
    rows,
    ...overrides,
  };
  const app = renderSized(<Dashboard {...props} />, columns, rows);
  const lines = frameLines(app.lastFrame());
  app.unmount();
  return lines;
}

function assertFits(lines: string[], columns: number, rows: number): void {
  assert.ok(lines.length <= rows - 1, `${lines.length} rows on a terminal of ${rows}`);
  for (const line of lines) assert.ok([...line].length <= columns, `too wide: ${line}`);
}

test('80x24: every panel in one column, within the terminal, status and keys at the bottom', () => {
  const lines = dashboard(80, 24);
  assertFits(lines, 80, 24);
  assert.equal(lines.length, 23);
  assert.match(lines[0]!, /^faultnet · RUNNING/);
  assert.match(lines[1]!, /^↑ uplink {4}1\.00k pkt\/s {3}1\.00MB\/s/);
  assert.match(lines[5]!, /^dns 120 queries/);
  assert.match(lines[6]!, /^discarded, no policy: malformed 4 · late p99 ↑1\.20ms ↓1\.20ms · tcp/);
  assert.match(lines[7]!, /^── flows: tcp 3 · udp 1/);
  assert.match(lines[8]!, /api\.example\.com/);
  const rules = lines.findIndex((l) => l.startsWith('── rules'));
  assert.equal(rules, 10, 'two flows take two of the three flow rows');
  assert.match(lines[11]!, /^slow#0 +↑ +11\.0k pkts/);
  const policies = lines.findIndex((l) => l.startsWith('── policies'));
  assert.equal(policies, 15);
  assert.match(lines[16]!, /\[x\] lossy/);
  assert.match(lines[17]!, /^slow: latency 50\.0ms/);
  assert.match(lines[18]!, /^lossy: ↑ none/);
  assert.equal(lines[21], '» active: slow  log: /tmp/faultnet-1.log');
  assert.match(lines[22]!, /^1-9 policy · p pause/);
});

test('160x50: two columns, traffic and policies left, flows and rules right, rule targets shown', () => {
  const lines = dashboard(160, 50);
  assertFits(lines, 160, 50);
  assert.equal(lines.length, 49);
  assert.match(lines[1]!, /^── traffic entering the fault pipelines ─+ ── flows: tcp 3/);
  assert.match(lines[2]!, /^↑ uplink .* ↑ 1\.32MB ↓ 49\.5MB {2}tcp 10\.0\.2\.100:43210/);
  assert.ok(lines.some((l) => l.includes('slow#0 tcp://*.example.com:443 · drops ↑110 ↓220')));
  assert.ok(lines.some((l) => l.startsWith(' 2 [ ] kitchen  ↑ latency 20.0ms')));
  assert.equal(lines[48], '1-9 policy · p pause · +/- latency · [/] loss · r reset · ? help · q quit');
});

test('many flows, rules and policies still fit, narrow and wide', () => {
  const many = Array.from({ length: 60 }, (_, i) => `p${i}`);
  const policies = fixturePolicies();
  const list = {
    registered: many,
    active: many.slice(0, 5),
    policies: Object.fromEntries(many.map((n) => [n, policies.slow!])),
  };
  const snapshot = {
    ...SNAP_B,
    topFlows: Array.from({ length: 40 }, (_, i) => ({ ...SNAP_B.topFlows[0]!, srcPort: 1000 + i })),
    rules: Array.from({ length: 40 }, (_, i) => ({ ...SNAP_B.rules[0]!, key: `r${i}` })),
  };
  const stats = nextStats(STATS, { ...snapshot, uptimeMs: 12_000 });
  for (const [columns, rows] of [
    [80, 24],
    [160, 50],
    [120, 30],
    [100, 40],
  ] as const) {
    const lines = dashboard(columns, rows, { stats, policies: list });
    assertFits(lines, columns, rows);
    assert.equal(lines.length, rows - 1);
    assert.match(lines.at(-1)!, /^1-9 policy/, `${columns}x${rows}`);
    assert.match(lines.at(-2)!, /^» active: slow/, `${columns}x${rows}`);
  }
});

test('before the first snapshot, and with the help overlay open', () => {
  const waiting = dashboard(80, 24, { stats: EMPTY_STATS });
  assert.equal(waiting[1], 'waiting for the first snapshot…');
  const help = dashboard(80, 24, { help: true });
  assertFits(help, 80, 24);
  assert.ok(help.some((l) => l.includes('keys (any key closes)')));
  assert.ok(!help.some((l) => l.startsWith('── flows')));
});
