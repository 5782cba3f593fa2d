import assert from 'node:assert/strict';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { ComparisonRecord } from '../../src/baseline/record.js';
import { faultnet } from './harness.js';

const file = (name: string) => join(tmpdir(), `faultnet-baseline-${process.pid}-${name}`);

function policyFile(): string {
  const path = file('policies.yaml');
  writeFileSync(
    path,
    'slow:\n  description: 30ms each way\n  latency: 30ms\nquiet:\n  dns:\n    delay: 1s\n',
  );
  return path;
}

test("faultnet baseline -- ping: each run of the user's command is one operation", async (t) => {
  const policies = policyFile();
  const json = file('ping.json');
  t.after(() => rmSync(policies, { force: true }));
  t.after(() => rmSync(json, { force: true }));
  const r = await faultnet([
    'baseline',
    '--policy-file',
    policies,
    '--policy',
    'slow',
    '--count',
    '10',
    '--json',
    json,
    '--',
    'ping',
    '-c',
    '1',
    '-W',
    '2',
    '10.0.2.2',
  ]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^baseline\s+10\s/m);
  assert.match(r.stdout, /^slow\s+10\s/m);
  assert.doesNotMatch(r.stdout, /^quiet/m, 'only the named policy');
  const record = JSON.parse(readFileSync(json, 'utf8')) as ComparisonRecord;
  const [base, slow] = record.phases;
  assert.equal(base!.errors + slow!.errors, 0);
  // One ping is one round trip: 30 ms each way adds 60 ms.
  assert.ok(slow!.p50Ms - base!.p50Ms >= 55, `p50 ${slow!.p50Ms} vs ${base!.p50Ms}`);
  assert.ok(slow!.faults.delayed >= 10);
});

test('faultnet baseline without a command: the built-in TCP echo and HTTP client, every policy of the file', async (t) => {
  const policies = policyFile();
  t.after(() => rmSync(policies, { force: true }));
  const r = await faultnet(['baseline', '--policy-file', policies, '--count', '20']);
  assert.equal(r.code, 0, r.stderr);
  const rows = r.stdout.split('\n').filter((l) => /^(baseline|quiet|slow)\s/.test(l));
  assert.deepEqual(
    rows.map((l) => l.split(/\s+/).slice(0, 2)),
    [
      ['baseline', '20'],
      ['quiet', '20'],
      ['slow', '20'],
    ],
  );
});

test('faultnet baseline: bad input exits 2 with one line naming it', async (t) => {
  const policies = policyFile();
  t.after(() => rmSync(policies, { force: true }));
  for (const [args, pattern] of [
    [[], /policy-file/],
    [['--policy-file', policies, '--policy', 'nosuch'], /--policy: no policy named "nosuch"/],
    [['--policy-file', policies, '--count', '0'], /--count/],
    [['--policy-file', '/nonexistent.yaml'], /nonexistent/],
  ] as const) {
    const r = await faultnet(['baseline', ...args]);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, pattern);
    assert.equal(r.stderr.trim().split('\n').length, 1);
  }
});
