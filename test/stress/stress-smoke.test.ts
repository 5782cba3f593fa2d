import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { ComparisonRecord } from '../../src/baseline/record.js';

const MAIN = fileURLToPath(new URL('./main.js', import.meta.url));

function stress(args: readonly string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [MAIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => {
    stdout += d;
  });
  child.stderr.setEncoding('utf8').on('data', (d: string) => {
    stderr += d;
  });
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

const PHASES = ['baseline', 'latency-jitter', 'loss', 'reorder', 'duplicate', 'rate', 'dns-delay'];

test('stress --mode smoke passes within 30 s, every phase doing operations under its fault', async (t) => {
  const json = join(tmpdir(), `faultnet-stress-${process.pid}.json`);
  t.after(() => rmSync(json, { force: true }));
  const started = performance.now();
  const r = await stress(['--mode', 'smoke', '--json', json]);
  const seconds = (performance.now() - started) / 1000;
  assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
  assert.match(r.stdout, /stress smoke: passed/);
  assert.ok(seconds <= 30, `smoke took ${seconds.toFixed(1)} s`);
  const record = JSON.parse(readFileSync(json, 'utf8')) as ComparisonRecord;
  assert.deepEqual(
    record.phases.map((p) => p.name),
    PHASES,
  );
  assert.deepEqual(record.failures, []);
  for (const p of record.phases) {
    assert.ok(p.ops > 0, `${p.name} ran operations`);
    for (const kind of ['tcp', 'http', 'dns'] as const)
      assert.ok((p.byKind[kind]?.ops ?? 0) > 0, `${p.name} ${kind}`);
    assert.ok(p.rss.peakKb > 0);
  }
  const faults = new Map(record.phases.map((p) => [p.name, p.faults]));
  assert.ok(faults.get('latency-jitter')!.delayed > 0);
  assert.ok(faults.get('loss')!.lost > 0);
  assert.ok(faults.get('reorder')!.reordered > 0);
  assert.ok(faults.get('duplicate')!.duplicated > 0);
  assert.ok(faults.get('rate')!.delayed > 0);
  assert.ok(faults.get('dns-delay')!.dnsDelayed > 0);
});

test('stress with an impossible RSS limit fails and says which phase broke it and by how much', async () => {
  const r = await stress(['--mode', 'smoke', '--duration', '7', '--max-rss-delta-kb', '0']);
  assert.equal(r.code, 1, `${r.stdout}\n${r.stderr}`);
  assert.match(
    r.stderr,
    /stress smoke failed: phase baseline: faultnet's RSS grew by \d+ KiB .* over the limit 0 KiB/,
  );
  assert.doesNotMatch(r.stdout, /passed/);
});

test('stress: a bad flag or limit exits 2 with one line naming it', async () => {
  for (const [args, pattern] of [
    [['--mode', 'forever'], /--mode/],
    [['--max-error-rate', '2'], /--max-error-rate/],
    [['--workers', 'many'], /--workers/],
    [['--bogus'], /bogus/],
  ] as const) {
    const r = await stress(args);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, pattern);
    assert.equal(r.stderr.trim().split('\n').length, 1);
  }
});
