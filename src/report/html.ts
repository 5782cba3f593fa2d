import type { RunRecord } from '../api/run-record.js';
import { formatDiscards, totalDiscards } from '../metrics/discards.js';
import type { DirectionStats, RuleStats } from '../metrics/snapshot.js';
import { type Bar, barChart, type DelayRow, delayChart } from './charts.js';
import { escapeHtml } from './escape.js';

export interface ReportOptions {
  /** Most events listed (the first ones); the rest are counted. Default 500. */
  maxEvents?: number;
}

/** The id of every section of the report, in page order. */
export const REPORT_SECTIONS = [
  'summary',
  'directions',
  'delay',
  'rules',
  'dns',
  'policies',
  'events',
] as const;

const STYLE = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0;color:#1d2330;background:#f5f6f8}
main{max-width:1000px;margin:0 auto;padding:24px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 10px}
.sub{color:#5b6475;margin:0 0 16px;word-break:break-all}
.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(170px,1fr));gap:10px}
.card{background:#fff;border:1px solid #dde1e8;border-radius:8px;padding:10px 12px}
.card b{display:block;font-size:20px}.card span{color:#5b6475;font-size:12px}
section{background:#fff;border:1px solid #dde1e8;border-radius:8px;padding:4px 16px 16px;margin-top:16px}
.chart{width:100%;max-width:760px;height:auto;font-size:12px}.chart text{fill:#1d2330}.chart .muted,.muted{fill:#7a8396;color:#7a8396}
.in{fill:#6b8fd6}.out{fill:#3f6fc4}.drop{fill:#d0543f}.delayed{fill:#d69a2d}.other{fill:#8a63c2}
.configured{fill:#e3d3f5}.configured-mark{stroke:#8a63c2;stroke-width:2}.measured{fill:#3f9c6d}
.whisker{stroke:#1d6b45;stroke-width:3}.axis{stroke:#9aa3b5}
table{border-collapse:collapse;width:100%;font-size:13px}th,td{text-align:left;padding:4px 8px;border-bottom:1px solid #eceef2;vertical-align:top}
th{color:#5b6475;font-weight:600}td.n{text-align:right;font-variant-numeric:tabular-nums}
code{font-size:12px}
`;

function card(label: string, value: string): string {
  return `<div class="card"><b>${escapeHtml(value)}</b><span>${escapeHtml(label)}</span></div>`;
}

function ms(value: number): string {
  if (value >= 10_000) return `${(value / 1000).toFixed(1)} s`;
  return `${Number.isInteger(value) ? value : value.toFixed(1)} ms`;
}

function drops(d: DirectionStats): number {
  return d.drops.loss + d.drops.burst + d.drops.gilbert + d.drops.queueFull;
}

function directionBars(d: DirectionStats): Bar[] {
  return [
    { label: 'packets in', value: d.packetsIn, tone: 'in' },
    { label: 'packets out', value: d.packetsOut, tone: 'out' },
    { label: 'dropped: loss', value: d.drops.loss, tone: 'drop' },
    { label: 'dropped: burst', value: d.drops.burst, tone: 'drop' },
    { label: 'dropped: gilbert', value: d.drops.gilbert, tone: 'drop' },
    { label: 'dropped: queue full', value: d.drops.queueFull, tone: 'drop' },
    { label: 'delayed', value: d.delayed, tone: 'delayed' },
    { label: 'reordered', value: d.reordered, tone: 'other' },
    { label: 'duplicated', value: d.duplicated, tone: 'other' },
  ];
}

function summary(r: RunRecord): string {
  const s = r.stats;
  const packets = s.uplink.packetsIn + s.downlink.packetsIn;
  const lost = drops(s.uplink) + drops(s.downlink);
  const cards = [
    card('exit code', r.exitCode === null ? '–' : String(r.exitCode)),
    card('duration', ms(r.durationMs)),
    card('packets', packets.toLocaleString('en-US')),
    card(
      'dropped',
      `${lost.toLocaleString('en-US')}${packets > 0 ? ` (${((lost / packets) * 100).toFixed(1)}%)` : ''}`,
    ),
    card('uplink delay p50', ms(r.delay.uplink.p50Ms)),
    card('downlink delay p50', ms(r.delay.downlink.p50Ms)),
    card('DNS queries', r.dns.queries.toLocaleString('en-US')),
    card(
      'DNS faults',
      (r.dns.delayed + r.dns.timeout + r.dns.nxdomain + r.dns.servfail).toLocaleString('en-US'),
    ),
    card('discarded, no policy', `${totalDiscards(s.discards)} (${formatDiscards(s.discards)})`),
    card('seed', r.seed === null ? '–' : String(r.seed)),
    card('events', String(r.events.length + r.eventsDropped)),
  ];
  return `<section id="summary"><h2>Summary</h2><div class="cards">${cards.join('')}</div></section>`;
}

function directions(r: RunRecord): string {
  const chart = (name: 'uplink' | 'downlink', what: string) =>
    `<div><h3>${name} <span class="muted">(${what})</span></h3>${barChart(`${name} packets`, directionBars(r.stats[name]))}</div>`;
  return (
    `<section id="directions"><h2>Per direction</h2>` +
    `${chart('uplink', 'leaving the namespace')}${chart('downlink', 'entering the namespace')}</section>`
  );
}

function delayRows(rules: readonly RuleStats[]): DelayRow[] {
  return rules.flatMap((rule) =>
    (['uplink', 'downlink'] as const).map((dir) => {
      const d = rule[dir];
      return {
        label: `${rule.key} ${dir === 'uplink' ? '↑' : '↓'}`,
        latencyMs: d.configured.latencyMs,
        jitterMs: d.configured.jitterMs,
        count: d.addedDelay.count,
        p50Ms: d.addedDelay.p50Ms,
        p95Ms: d.addedDelay.p95Ms,
        p99Ms: d.addedDelay.p99Ms,
      };
    }),
  );
}

function delay(r: RunRecord): string {
  const rows = delayRows(r.stats.rules);
  const chart =
    rows.length === 0
      ? '<p class="muted">No rule matched any traffic.</p>'
      : delayChart('configured against measured one-way delay', rows);
  return (
    '<section id="delay"><h2>Configured against measured delay</h2>' +
    '<p class="muted">Per rule and direction: the band is the configured latency ± jitter, the green bar the ' +
    'measured median added delay, the dark whisker p95 to p99.</p>' +
    `${chart}</section>`
  );
}

function rulesTable(r: RunRecord): string {
  const head =
    '<tr><th>rule</th><th>target</th><th>dir</th><th class="n">in</th><th class="n">out</th>' +
    '<th class="n">dropped</th><th class="n">delayed</th><th class="n">reordered</th><th class="n">dup</th>' +
    '<th class="n">p50</th><th class="n">p99</th></tr>';
  const rows = r.stats.rules.flatMap((rule) =>
    (['uplink', 'downlink'] as const).map((dir) => {
      const d = rule[dir];
      const cells = [d.packetsIn, d.packetsOut, drops(d), d.delayed, d.reordered, d.duplicated]
        .map((n) => `<td class="n">${n}</td>`)
        .join('');
      return (
        `<tr><td>${escapeHtml(rule.key)}${rule.active ? '' : ' <span class="muted">(inactive)</span>'}</td>` +
        `<td><code>${escapeHtml(rule.target ?? 'all traffic')}</code></td><td>${dir}</td>${cells}` +
        `<td class="n">${escapeHtml(ms(d.addedDelay.p50Ms))}</td><td class="n">${escapeHtml(ms(d.addedDelay.p99Ms))}</td></tr>`
      );
    }),
  );
  const body =
    rows.length === 0
      ? '<tr><td colspan="11" class="muted">no rule matched any traffic</td></tr>'
      : rows.join('');
  return `<section id="rules"><h2>Rules</h2><table>${head}${body}</table></section>`;
}

function dnsSection(r: RunRecord): string {
  const bars: Bar[] = [
    { label: 'queries', value: r.dns.queries, tone: 'in' },
    { label: 'delayed', value: r.dns.delayed, tone: 'delayed' },
    { label: 'timeout', value: r.dns.timeout, tone: 'drop' },
    { label: 'NXDOMAIN', value: r.dns.nxdomain, tone: 'drop' },
    { label: 'SERVFAIL', value: r.dns.servfail, tone: 'drop' },
  ];
  return `<section id="dns"><h2>DNS</h2>${barChart('DNS queries and faults', bars)}</section>`;
}

function policiesSection(r: RunRecord): string {
  const rows = r.policies.map(
    (p) =>
      `<tr><td>${escapeHtml(p.name)}</td><td>${escapeHtml(p.source)}${p.file ? ` <code>${escapeHtml(p.file)}</code>` : ''}</td>` +
      `<td>${p.active ? 'yes' : 'no'}</td><td>${escapeHtml(p.policy.description ?? '')}</td></tr>`,
  );
  const body = rows.length === 0 ? '<tr><td colspan="4" class="muted">no policy</td></tr>' : rows.join('');
  return (
    '<section id="policies"><h2>Policies</h2><table><tr><th>name</th><th>source</th><th>active at the end</th>' +
    `<th>description</th></tr>${body}</table></section>`
  );
}

function eventsSection(r: RunRecord, maxEvents: number): string {
  const shown = r.events.slice(0, maxEvents);
  const left = r.events.length - shown.length + r.eventsDropped;
  const rows = shown.map(
    (e) =>
      `<tr><td class="n">${escapeHtml(ms(Math.round(e.atMs * 10) / 10))}</td><td>${escapeHtml(e.kind)}</td>` +
      `<td>${escapeHtml(e.message)}</td></tr>`,
  );
  const note = left > 0 ? `<p class="muted">${left} more event(s) not shown.</p>` : '';
  const body = rows.length === 0 ? '<tr><td colspan="3" class="muted">no events</td></tr>' : rows.join('');
  return (
    `<section id="events"><h2>Events</h2><table><tr><th class="n">at</th><th>kind</th><th>event</th></tr>` +
    `${body}</table>${note}</section>`
  );
}

/** The run record as one static HTML page: inline CSS and SVG, no script, nothing fetched. */
export function renderReport(record: RunRecord, opts: ReportOptions = {}): string {
  const maxEvents = opts.maxEvents ?? 500;
  const title = record.command === null ? 'faultnet run' : `faultnet run -- ${record.command.join(' ')}`;
  return [
    '<!DOCTYPE html>',
    '<html lang="en"><head><meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(title)}</title><style>${STYLE}</style></head><body><main>`,
    `<h1>${escapeHtml(title)}</h1>`,
    `<p class="sub">faultnet ${escapeHtml(record.faultnetVersion)} · ${escapeHtml(record.startedAt)} → ` +
      `${escapeHtml(record.endedAt)} · policies in force at the end: ${escapeHtml(record.stats.policies.join(', ') || 'none')}</p>`,
    summary(record),
    directions(record),
    delay(record),
    rulesTable(record),
    dnsSection(record),
    policiesSection(record),
    eventsSection(record, maxEvents),
    '</main></body></html>',
    '',
  ].join('\n');
}
