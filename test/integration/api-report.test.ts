import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { validateRunRecord } from '../../src/api/run-record.js';
import { REPORT_SECTIONS } from '../../src/report/html.js';
import { faultnet } from './harness.js';

/**
 * Loads a page in Debian's headless chromium and returns the console messages it logged
 * (chromium prints them to stderr as `INFO:CONSOLE(...)` lines) and the DOM it built.
 */
function loadInChromium(file: string): Promise<{ console: string[]; dom: string }> {
  const profile = mkdtempSync(join(tmpdir(), 'faultnet-chromium-'));
  const args = [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    `--user-data-dir=${profile}`,
    '--enable-logging=stderr',
    '--v=0',
    '--dump-dom',
    `file://${file}`,
  ];
  return new Promise((resolve, reject) => {
    execFile('chromium', args, { timeout: 45_000, maxBuffer: 16 << 20 }, (err, stdout, stderr) => {
      if (err) return reject(new Error(`chromium: ${err.message}\n${stderr}`));
      resolve({ console: stderr.split('\n').filter((l) => l.includes(':CONSOLE')), dom: stdout });
    });
  });
}

test('faultnet run --run-json writes a valid record; faultnet report renders it; chromium loads it cleanly', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'faultnet-report-'));
  const runJson = join(dir, 'run.json');
  const html = join(dir, 'report.html');
  const policyFile = join(dir, 'policies.json');
  writeFileSync(policyFile, JSON.stringify({ slow: { latency: '20ms', description: 'a <slow> link' } }));
  // A closed port on the host loopback: the program's connect is refused, which the record lists.
  const closed = createServer();
  await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
  const port = (closed.address() as { port: number }).port;
  await new Promise((resolve) => closed.close(resolve));

  const run = await faultnet([
    'run',
    '--run-json',
    runJson,
    '--policy-file',
    policyFile,
    '--dns-nxdomain',
    '100%',
    '--host',
    'svc.test=10.0.2.2',
    '--seed',
    '9',
    '--',
    'sh',
    '-c',
    `ping -n -c 4 -i 0.05 10.0.2.2 >/dev/null; getent hosts svc.test; curl -s http://10.0.2.2:${port}/; exit 3`,
  ]);
  assert.equal(run.code, 3, run.stderr);
  const record = JSON.parse(readFileSync(runJson, 'utf8'));
  assert.deepEqual(validateRunRecord(record), []);
  assert.equal(record.exitCode, 3);
  assert.equal(record.seed, 9);
  assert.deepEqual(record.command.slice(0, 2), ['sh', '-c']);
  assert.deepEqual(
    record.policies.map((p: { name: string; source: string; file?: string }) => [p.name, p.source, p.file]),
    [
      ['cli', 'flags', undefined],
      ['slow', 'file', policyFile],
    ],
  );
  assert.equal(record.dns.nxdomain, record.stats.dns.nxdomain);
  assert.ok(record.dns.nxdomain >= 1, `nxdomain ${record.dns.nxdomain}`);
  const slow = record.stats.rules.find((r: { key: string }) => r.key === 'slow');
  assert.equal(slow.uplink.configured.latencyMs, 20);
  assert.ok(
    slow.uplink.addedDelay.count >= 4 && slow.uplink.addedDelay.p50Ms >= 19.5,
    JSON.stringify(slow.uplink),
  );
  assert.ok(
    record.events.some(
      (e: { kind: string; target?: string }) =>
        e.kind === 'flow-refused' && e.target === `tcp://10.0.2.2:${port}`,
    ),
    JSON.stringify(record.events),
  );
  assert.deepEqual(
    record.events.filter((e: { kind: string }) => e.kind === 'exit').map((e: { code: number }) => e.code),
    [3],
  );

  const report = await faultnet(['report', '--input', runJson, '--output', html, '--max-events', '50']);
  assert.equal(report.code, 0, report.stderr);
  const page = readFileSync(html, 'utf8');
  for (const id of REPORT_SECTIONS) assert.match(page, new RegExp(`<section id="${id}">`), id);
  assert.ok(page.includes('a &lt;slow&gt; link'));

  const loaded = await loadInChromium(html);
  assert.deepEqual(loaded.console, []);
  for (const id of REPORT_SECTIONS)
    assert.match(loaded.dom, new RegExp(`<section id="${id}">`), `DOM has ${id}`);

  // The console check itself works: a page that logs an error is caught.
  const probe = join(dir, 'probe.html');
  writeFileSync(probe, '<!DOCTYPE html><script>console.error("probe-error")</script>');
  assert.equal((await loadInChromium(probe)).console.filter((l) => l.includes('probe-error')).length, 1);

  const bad = await faultnet(['report', '--input', policyFile, '--output', join(dir, 'x.html')]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /^faultnet: --input: not a faultnet run record: record\.format: /);
});
