import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RunRecord } from '../../src/api/run-record.js';
import { validateRunRecord } from '../../src/api/run-record.js';
import { FaultCounters } from '../../src/metrics/counters.js';
import { compileRuleSet } from '../../src/policy/resolve.js';
import { validatePolicy } from '../../src/policy/schema.js';
import { escapeHtml } from '../../src/report/escape.js';
import { REPORT_SECTIONS, renderReport } from '../../src/report/html.js';

function fixture(): RunRecord {
  const policy = validatePolicy(
    { latency: '50ms', jitter: '5ms', description: '<b>slow</b> & "lossy"' },
    'slow',
  );
  const counters = new FaultCounters();
  const rule = compileRuleSet([policy], { fallbackSeed: 42 }).rules[0]!;
  const c = counters.forRule(rule);
  for (const d of [counters.uplink, c.uplink]) {
    d.packetsIn = d.packetsOut = 10;
    d.delayed = 10;
    for (let i = 0; i < 10; i++) d.addedDelay.record(45 + i);
  }
  counters.dns.queries = 3;
  counters.dns.nxdomain = 1;
  const stats = counters.snapshot({ policies: ['slow'], seed: 42, uptimeMs: 1000 });
  return {
    format: 'faultnet-run',
    version: 1,
    faultnetVersion: '0.1.0',
    command: ['sh', '-c', 'echo <script>alert(1)</script>'],
    exitCode: 0,
    startedAt: '2025-01-01T00:00:00.000Z',
    endedAt: '2025-01-01T00:00:01.000Z',
    durationMs: 1000,
    seed: 42,
    policies: [{ name: 'slow', source: 'file', file: '/tmp/p&q.yaml', active: true, policy }],
    stats,
    delay: { uplink: stats.uplink.addedDelay, downlink: stats.downlink.addedDelay },
    dns: stats.dns,
    events: [
      { atMs: 0.1, kind: 'start', message: 'network started', policies: ['slow'] },
      {
        atMs: 5,
        kind: 'flow-refused',
        message: 'tcp://10.0.2.2:1 refused <now>',
        target: 'tcp://10.0.2.2:1',
      },
      { atMs: 900, kind: 'exit', message: 'program exited with code 0', code: 0 },
    ],
    eventsDropped: 0,
  };
}

test('a well-formed record has no problems; each broken field is named', () => {
  const record = fixture();
  assert.deepEqual(validateRunRecord(JSON.parse(JSON.stringify(record))), []);
  const broken = JSON.parse(JSON.stringify(record));
  broken.exitCode = 'zero';
  delete broken.stats.uplink.drops;
  broken.events[1].kind = 'weird';
  broken.policies[0].source = 'nowhere';
  assert.deepEqual(validateRunRecord(broken), [
    'record.exitCode: expected an integer >= 0',
    'record.policies[0].source: expected one of file, flags, inline, registry, control',
    'record.stats.uplink.drops: missing',
    'record.events[1].kind: expected one of start, policy, scope, exec, flow-refused, flow-unreachable, close, error, exit',
  ]);
  assert.deepEqual(validateRunRecord([]), ['record: expected an object']);
});

test('the report has every section, the numbers and escaped text only', () => {
  const html = renderReport(fixture());
  for (const id of REPORT_SECTIONS) assert.equal(html.split(`<section id="${id}">`).length, 2, id);
  assert.ok(!html.includes('<script'), 'no script, and the command is escaped');
  assert.ok(html.includes('echo &lt;script&gt;alert(1)&lt;/script&gt;'));
  assert.ok(html.includes('&lt;b&gt;slow&lt;/b&gt; &amp; &quot;lossy&quot;'));
  assert.ok(html.includes('/tmp/p&amp;q.yaml'));
  assert.ok(html.includes('refused &lt;now&gt;'));
  assert.ok(!/(src|href)=["']?https?:/.test(html), 'nothing fetched');
  assert.match(html, /<b>10<\/b><span>packets<\/span>/);
  assert.match(html, /<b>1<\/b><span>DNS faults<\/span>/);
  assert.equal((html.match(/<svg /g) ?? []).length, 4, 'uplink, downlink, delay and DNS charts');
});

test('--max-events keeps the first events and counts the rest', () => {
  const record = fixture();
  record.eventsDropped = 2;
  const html = renderReport(record, { maxEvents: 1 });
  assert.ok(html.includes('network started'));
  assert.ok(!html.includes('program exited'));
  assert.ok(html.includes('4 more event(s) not shown.'));
});

test('escapeHtml escapes the five HTML specials', () => {
  assert.equal(escapeHtml(`<a href="x">'&'</a>`), '&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
});
