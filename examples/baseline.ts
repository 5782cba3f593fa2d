/**
 * The baseline loop from TypeScript: measure without faults, then under each of your policies
 * alone, and compare. Run it as root after a build: `node dist/examples/baseline.js`.
 *
 * The client here is `curl` run once per operation inside the network against a local HTTP
 * server; put your own command (or test) in `targets.command` instead.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { runComparison } from '../src/baseline/session.js';
import { formatTable } from '../src/baseline/table.js';
import { PolicyRegistry } from '../src/policy/registry.js';

const server = createServer((_req, res) => res.end('hello from the host\n'));
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const { port } = server.address() as AddressInfo;

const registry = new PolicyRegistry();
registry.register('mobile', { description: '3G-like', latency: '100ms', jitter: '30ms', rate: '2mbps' });
registry.register('flaky', { description: '3% loss', packet_loss: '3%' });

const results = await runComparison({
  network: { registry, seed: 42 },
  phases: [
    { name: 'baseline', description: 'no policy', policies: [] },
    { name: 'mobile', description: '3G-like', policies: ['mobile'] },
    { name: 'flaky', description: '3% loss', policies: ['flaky'] },
  ],
  workload: {
    mix: ['exec'],
    workers: 1,
    count: 30,
    opTimeoutMs: 10_000,
    // 10.0.2.2 is the gateway: inside the network it leads to this machine's loopback.
    targets: { command: ['curl', '-sf', '-o', '/dev/null', `http://10.0.2.2:${port}/`] },
  },
  warmup: { count: 3 },
});
server.close();
console.log(formatTable(results));
const [base, ...rest] = results;
for (const r of rest) {
  console.log(`${r.name}: p50 ${(r.p50Ms / base!.p50Ms).toFixed(1)}x the baseline's`);
}
