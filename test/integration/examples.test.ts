import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const EXAMPLES = join(fileURLToPath(import.meta.url), '..', '..', '..', 'examples');

/** Runs dist/examples/<name>.js and returns its `key=value` lines as numbers. */
function run(name: string): Promise<Record<string, number>> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [join(EXAMPLES, `${name}.js`)], { timeout: 30_000 }, (err, stdout, stderr) => {
      if (err) return reject(new Error(`${name}: ${err.message}\n${stderr}`));
      const values: Record<string, number> = {};
      for (const line of stdout.trim().split('\n')) {
        const [key, value] = line.split('=');
        if (key && value !== undefined && !Number.isNaN(Number(value))) values[key] = Number(value);
      }
      resolve(values);
    });
  });
}

test('http-latency: 50 ms each way makes the connect one 100 ms round trip and the request two', async () => {
  const v = await run('http-latency');
  assert.ok(v.connect_ms! >= 98 && v.connect_ms! < 160, `connect ${v.connect_ms}`);
  assert.ok(v.total_ms! >= 198 && v.total_ms! < 300, `total ${v.total_ms}`);
});

test('udp-loss: 10% each way, seeded: about 81% of 400 echoes come back', async () => {
  const v = await run('udp-loss');
  assert.equal(v.sent, 400);
  // Binomial: 10% of 400 is 40 ± 3 sigma (18); the seed makes the run repeat exactly.
  assert.ok(v.dropped_uplink! >= 22 && v.dropped_uplink! <= 58, `uplink drops ${v.dropped_uplink}`);
  assert.equal(v.received, 400 - v.dropped_uplink! - v.dropped_downlink!);
  assert.ok(v.delivered_pct! >= 72 && v.delivered_pct! <= 90, `delivered ${v.delivered_pct}%`);
});

test('dns-nxdomain: NXDOMAIN inside the decorated method and the wrapper only', async () => {
  const v = await run('dns-nxdomain');
  assert.deepEqual(
    [v.before, v.decorated, v.after, v.wrapped, v.nxdomain_count],
    [0, 2, 0, 2, 2 * 2],
    JSON.stringify(v),
  );
});

test('target-priority: the priority-200 rule beats the catch-all latency for its port', async () => {
  const v = await run('target-priority');
  assert.ok(v.icmp_ms! >= 78 && v.icmp_ms! < 130, `icmp ${v.icmp_ms}`);
  assert.ok(v.udp_ms! < 20, `udp ${v.udp_ms}`);
});

test('perf-baseline: the rate limit holds the upload near 20 Mbit/s, far under the baseline', async () => {
  const v = await run('perf-baseline');
  assert.ok(v.limited_mbps! >= 16 && v.limited_mbps! <= 21, `limited ${v.limited_mbps}`);
  assert.ok(v.baseline_mbps! > 3 * v.limited_mbps!, `baseline ${v.baseline_mbps}`);
});
