// Turns the result files of one bench.sh run into the Markdown table (stdout) and the raw JSON
// artifact. Usage: node report.mjs <results dir> <artifact.json>
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

const [dir, artifact] = process.argv.slice(2);

const raw = {};
for (const file of readdirSync(dir).filter((f) => f.endsWith('.json'))) {
  try {
    raw[file.slice(0, -5)] = JSON.parse(readFileSync(join(dir, file), 'utf8'));
  } catch {
    raw[file.slice(0, -5)] = null; // an interrupted or failed step: reported as n/a
  }
}

const machine = raw.machine ?? {};
/** faultnet first; the others are what each ratio divides by. */
const CONTENDERS = [
  'faultnet',
  ...(machine.before ? ['faultnet-before'] : []),
  'pasta',
  'slirp4netns',
  'veth',
];
const OTHERS = CONTENDERS.slice(1);
const title = (c) => (c === 'faultnet-before' ? `faultnet@${machine.before.slice(0, 7)}` : c);

const median = (values) => {
  const v = values.filter((x) => typeof x === 'number').sort((a, b) => a - b);
  return v.length === 0 ? null : v[Math.floor(v.length / 2)];
};

/** The results of one measurement's rounds (`<key>-r1`, `<key>-r2`, ...). */
const rounds = (key) => Object.keys(raw).filter((k) => k.startsWith(`${key}-r`) && /-r\d+$/.test(k));

/** iperf3 -J over the rounds: median receiver goodput (Gbit/s) and the sender's retransmits. */
function iperf(key) {
  const runs = rounds(key)
    .map((k) => raw[k]?.end)
    .filter((end) => end?.sum_received?.bits_per_second !== undefined)
    .map((end) => ({
      gbps: end.sum_received.bits_per_second / 1e9,
      retransmits: end.sum_sent?.retransmits ?? null,
      segments: end.sum_sent?.bytes === undefined ? null : end.sum_sent.bytes / 1448,
    }));
  if (runs.length === 0) return null;
  return {
    gbps: median(runs.map((r) => r.gbps)),
    retransmits: median(runs.map((r) => r.retransmits)),
    runs,
  };
}

/** Median over the rounds of one round-trip statistic, in µs. */
const rtt = (key, field) => median(rounds(key).map((k) => raw[k]?.[field]));

/** Receiver rates (Mbit/s) of the UDP iperf3 runs named `<prefix>-N`, ascending, and their median. */
function udpRuns(prefix) {
  const runsMbps = Object.keys(raw)
    .filter((k) => k.startsWith(`${prefix}-`))
    .map((k) => raw[k]?.end?.sum_received?.bits_per_second)
    .filter((v) => typeof v === 'number')
    .map((v) => v / 1e6)
    .sort((p, q) => p - q);
  return runsMbps.length === 0 ? null : { mbps: median(runsMbps), runsMbps };
}

const fmt = (v, digits) => (v === null || v === undefined || Number.isNaN(v) ? 'n/a' : v.toFixed(digits));
const ratio = (a, b) => (a == null || b == null || b === 0 ? null : a / b);
const x = (r) => (r === null ? 'n/a' : `${r.toFixed(2)}×`);

const rows = [];
const summary = { comparisons: {}, faultnet: {} };

function compare(label, unit, digits, values) {
  const [f, ...others] = values;
  const entry = { unit, faultnet: f };
  OTHERS.forEach((c, i) => {
    entry[c] = others[i];
    entry[`faultnetOver:${c}`] = ratio(f, others[i]);
  });
  summary.comparisons[label] = entry;
  const cells = [fmt(f, digits), ...others.map((v) => fmt(v, digits)), ...others.map((v) => x(ratio(f, v)))];
  rows.push(`| ${label} | ${cells.join(' | ')} |`);
}

for (const mtu of [1500, 65520]) {
  for (const [dirKey, dirLabel] of [
    ['up', 'namespace→host'],
    ['down', 'host→namespace'],
  ]) {
    const results = CONTENDERS.map((c) => iperf(`iperf-${c}-${mtu}-${dirKey}`));
    compare(
      `iperf3 TCP ${dirLabel}, MTU ${mtu} (Gbit/s)`,
      'Gbit/s',
      2,
      results.map((r) => r?.gbps ?? null),
    );
  }
}
for (const [proto, label] of [
  ['udp', 'UDP echo round trip, 64 B'],
  ['tcp', 'TCP request/response, 1 B'],
]) {
  for (const p of ['p50', 'p99']) {
    compare(
      `${label}, ${p} (µs)`,
      'µs',
      1,
      CONTENDERS.map((c) => rtt(`rtt-${proto}-${c}`, `${p}Us`)),
    );
  }
}

const load = (l) => (Array.isArray(l) ? l.map((v) => v.toFixed(2)).join(' ') : 'n/a');
const lines = [];
lines.push(
  `Machine: ${machine.nproc ?? '?'} CPUs (${machine.cpu ?? '?'}), Linux ${machine.kernel ?? '?'}, Node ${machine.node ?? '?'}, ${machine.iperf3 ?? 'iperf3 ?'}, ${machine.slirp4netns ?? 'slirp4netns ?'}; load average ${load(machine.loadAverageAtStart)} at start, ${load(machine.loadAverageAtEnd)} at end; iperf3 runs of ${machine.secondsPerIperfRun ?? '?'} s (first second omitted).`,
);
lines.push('');
lines.push(
  `Side by side, median of ${machine.rounds ?? '?'} interleaved rounds (ratios are faultnet ÷ other: above 1× is better for throughput, worse for latency):`,
);
lines.push('');
lines.push(
  `| Measurement | ${CONTENDERS.map(title).join(' | ')} | ${OTHERS.map((c) => `faultnet/${title(c)}`).join(' | ')} |`,
);
lines.push(`|---|${'---:|'.repeat(CONTENDERS.length + OTHERS.length)}`);
lines.push(...rows);
lines.push('');

// Added-delay error: ping's RTT minus the configured 40 ms, median over the rounds.
const delayVersions = CONTENDERS.filter((c) => c.startsWith('faultnet'));
const delayRows = [];
summary.addedDelayError = {};
for (const [mode, label] of [
  ['idle', 'idle'],
  ['tui', 'TUI drawing (160x50, tmux)'],
  ['busy', 'library, main thread busy in 30 ms slices'],
]) {
  const cells = [];
  for (const c of delayVersions) {
    const p50 = median(rounds(`delay-${mode}-${c}`).map((k) => raw[k]?.errorMs?.p50));
    const p99 = median(rounds(`delay-${mode}-${c}`).map((k) => raw[k]?.errorMs?.p99));
    summary.addedDelayError[`${mode}:${c}`] = { p50Ms: p50, p99Ms: p99 };
    cells.push(`${fmt(p50, 2)} / ${fmt(p99, 2)}`);
  }
  delayRows.push(`| ${label} | ${cells.join(' | ')} |`);
}
lines.push(
  'Added-delay error, ping under `--latency 20ms` (measured round trip minus the configured 40 ms, p50 / p99 in ms, median of the rounds; 200 pings at 20 ms intervals):',
);
lines.push('');
lines.push(`| Condition | ${delayVersions.map(title).join(' | ')} |`);
lines.push(`|---|${'---:|'.repeat(delayVersions.length)}`);
lines.push(...delayRows);
lines.push('');

const tunRuns = Object.keys(raw)
  .filter((k) => k.startsWith('tun-read-') && raw[k]?.packetsPerSecond !== undefined)
  .map((k) => raw[k])
  .sort((p, q) => p.packetsPerSecond - q.packetsPerSecond);
const tun = tunRuns.length === 0 ? null : tunRuns[Math.floor(tunRuns.length / 2)];
const pipe = raw.pipeline;
const none = udpRuns('udp-thru-none');
const zero = udpRuns('udp-thru-zero');
const own = [];
const line = (label, value, note) => own.push(`| ${label} | ${value} | ${note} |`);
summary.faultnet.tunRead = { median: tun, runsPerSecond: tunRuns.map((r) => r.packetsPerSecond) };
line(
  'TUN read, 1400 B packets (native batched reader)',
  tun ? `${fmt(tun.packetsPerSecond / 1000, 1)}k packets/s` : 'n/a',
  tun
    ? `median of ${tunRuns.length} (${tunRuns.map((r) => (r.packetsPerSecond / 1000).toFixed(0)).join('k, ')}k); ${fmt(tun.gbitPerSecond, 2)} Gbit/s; ${fmt(tun.meanBatch, 1)} packets per batch; reader CPU ${fmt(tun.readerCpuNsPerPacket, 0)} ns/packet; offered ${fmt(tun.offeredPerSecond / 1000, 1)}k/s by ${tun.senders} senders; target ≥ 100k`
    : '',
);
const startups = Object.keys(raw)
  .filter((k) => k.startsWith('startup-') && typeof raw[k]?.seconds === 'number')
  .map((k) => raw[k].seconds)
  .sort((p, q) => p - q);
summary.faultnet.startupSeconds = startups;
line(
  'Start-up: `faultnet run -- true`, wall time',
  startups.length === 0 ? 'n/a' : `${fmt(median(startups) * 1000, 0)} ms`,
  `median of ${startups.length}: ${startups.map((v) => (v * 1000).toFixed(0)).join(', ')} ms`,
);
summary.faultnet.pipeline = pipe ?? null;
for (const [key, label] of [
  ['none', 'no policy'],
  ['zero', 'all-zero policy'],
  ['all', 'every fault on'],
]) {
  line(
    `Fault engine cost per packet, ${label}`,
    pipe?.[key] ? `${fmt(pipe[key].nsPerPacket, 0)} ns` : 'n/a',
    key === 'all' && pipe?.all
      ? `${fmt(100 * pipe.all.releasedRatio, 1)}% released (1% loss, burst, Gilbert-Elliott, 1% duplicates)`
      : 'synthetic: 64 flows, 1400 B',
  );
}
summary.faultnet.udpThroughput = { none, zero, zeroOverNone: ratio(zero?.mbps, none?.mbps) };
line(
  'UDP throughput namespace→host, no policy',
  none ? `${fmt(none.mbps, 0)} Mbit/s` : 'n/a',
  none
    ? `iperf3 -u -b 0 -l 1372, median of ${none.runsMbps.length}: ${none.runsMbps.map((r) => r.toFixed(0)).join(', ')}`
    : '',
);
line(
  'UDP throughput namespace→host, all-zero policy',
  zero ? `${fmt(zero.mbps, 0)} Mbit/s` : 'n/a',
  zero
    ? `${x(ratio(zero.mbps, none?.mbps))} of no policy (target ≥ 0.95×); runs: ${zero.runsMbps.map((r) => r.toFixed(0)).join(', ')}`
    : '',
);
const cost = (policy) =>
  median(
    Object.keys(raw)
      .filter((k) => k.startsWith(`udp-cost-${policy}-`))
      .map((k) => raw[k]?.nsPerPacket),
  );
const costNone = cost('none');
const costZero = cost('zero');
summary.faultnet.udpCpuPerPacket = {
  noneNs: costNone,
  zeroNs: costZero,
  noneOverZero: ratio(costNone, costZero),
};
line(
  'faultnet CPU per relayed UDP packet, no policy',
  costNone === null ? 'n/a' : `${fmt(costNone / 1000, 2)} µs`,
  'all threads of the faultnet process, 200 Mbit/s of 1400 B offered (18k packets/s), median of runs',
);
line(
  'faultnet CPU per relayed UDP packet, all-zero policy',
  costZero === null ? 'n/a' : `${fmt(costZero / 1000, 2)} µs`,
  `expected throughput when CPU-bound: ${x(ratio(costNone, costZero))} of no policy (target ≥ 0.95×)`,
);
summary.faultnet.loss = {};
for (const [dirKey, dirLabel] of [
  ['up', 'namespace→host'],
  ['down', 'host→namespace'],
]) {
  const lossy = iperf(`iperf-faultnet-loss1-1500-${dirKey}`);
  const clean = iperf(`iperf-faultnet-1500-${dirKey}`);
  // Upstream the sender is the namespace's kernel; downstream it is faultnet's own stack, whose
  // retransmissions iperf3 cannot see (it reports the host socket's, over loopback).
  const share = median(
    lossy?.runs.map((r) => (r.segments ? (100 * r.retransmits) / r.segments : null)) ?? [],
  );
  summary.faultnet.loss[dirKey] = {
    lossy,
    clean,
    ratio: ratio(lossy?.gbps, clean?.gbps),
    retransmittedPercent: share,
  };
  line(
    `TCP goodput under 1% loss, ${dirLabel}, MTU 1500`,
    lossy ? `${fmt(lossy.gbps, 2)} Gbit/s` : 'n/a',
    lossy
      ? `${x(ratio(lossy.gbps, clean?.gbps))} of faultnet without loss (${fmt(clean?.gbps, 2)} Gbit/s)${dirKey === 'up' ? `; the namespace's kernel retransmitted ${fmt(share, 1)}% of its segments` : ''}`
      : '',
  );
}

lines.push('faultnet alone:');
lines.push('');
lines.push('| Measurement | Result | Notes |');
lines.push('|---|---:|---|');
lines.push(...own);

const profiles = Object.keys(raw)
  .filter((k) => k.startsWith('profile-'))
  .sort();
for (const key of profiles) {
  const p = raw[key];
  if (!p?.top) continue;
  const [, mtu, dirKey] = key.split('-');
  const busyPercent = (100 * (p.totalMs - p.idleMs)) / p.totalMs;
  summary[key] = { ...p, busyPercent };
  lines.push('');
  lines.push(
    `Top self time, \`node --cpu-prof\` of faultnet during iperf3 ${dirKey === 'up' ? 'namespace→host' : 'host→namespace'} at MTU ${mtu} (busiest thread, the data plane, ${fmt(busyPercent, 0)}% busy):`,
  );
  lines.push('');
  lines.push('| Function | Self ms | % of busy |');
  lines.push('|---|---:|---:|');
  for (const f of p.top.slice(0, 12))
    lines.push(`| \`${f.name}\` | ${fmt(f.selfMs, 0)} | ${fmt(f.percentOfBusy, 1)} |`);
}

if (existsSync(artifact)) throw new Error(`report.mjs: ${artifact} exists`);
mkdirSync(dirname(artifact), { recursive: true });
writeFileSync(artifact, `${JSON.stringify({ machine, summary, raw }, null, 2)}\n`);
console.log(lines.join('\n'));
