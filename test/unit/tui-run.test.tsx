import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { test } from 'node:test';
import { ControlClient, ControlServer, type ControlTarget } from '../../src/control/index.js';
import { PolicyRegistry } from '../../src/policy/index.js';
import { runCommand } from '../../tui/commands.js';
import { controlBackend, runTui } from '../../tui/index.js';
import { MemoryBackend, POLICY_INPUTS, SNAP_B } from './tui-fixtures.js';

test('runTui refuses, with a clear error, when stdout is not a terminal', async () => {
  const stdout = new PassThrough() as unknown as NodeJS.WriteStream;
  let quit = false;
  await assert.rejects(
    runTui({ backend: new MemoryBackend(), onQuit: () => (quit = true), stdout }),
    /faultnet tui needs an interactive terminal, but stdout is not a TTY/,
  );
  assert.equal(quit, false);
});

/** A network without packets: the registry, active set, pause flag and counters of the control ops. */
class FakeNetwork implements ControlTarget {
  readonly registry = new PolicyRegistry();
  active: string[] = [];
  paused = false;
  resets = 0;
  stats() {
    return { ...SNAP_B, paused: this.paused, policies: [...this.active] };
  }
  activePolicies() {
    return [...this.active];
  }
  setActivePolicies(names: readonly string[]) {
    this.active = [...names];
  }
  setPaused(paused: boolean) {
    this.paused = paused;
  }
  resetCounters() {
    this.resets++;
  }
}

/** A control server for `network` on a socket in a fresh directory, and a client connected to it. */
async function withControl(
  network: FakeNetwork,
  fn: (client: ControlClient) => Promise<void>,
): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'faultnet-tui-'));
  const server = await ControlServer.listen(join(dir, 'control.sock'), network);
  const client = await ControlClient.connect(server.path);
  try {
    await fn(client);
  } finally {
    client.close();
    await server.close();
    await rm(dir, { recursive: true, force: true });
  }
}

function networkWith(active: string[]): FakeNetwork {
  const network = new FakeNetwork();
  network.registry.registerAll(POLICY_INPUTS);
  network.active = active;
  return network;
}

test('controlBackend drives a real control socket: policies, set, register, pause, resume, reset, stats', async () => {
  const network = networkWith(['slow']);
  await withControl(network, async (client) => {
    const backend = controlBackend(client);
    const list = await backend.policies();
    assert.deepEqual(list.registered, ['dnsflaky', 'kitchen', 'lossy', 'slow']);
    assert.deepEqual(list.active, ['slow']);
    assert.deepEqual(list.policies.slow, network.registry.peek('slow'));
    assert.deepEqual(Object.keys(list).sort(), ['active', 'policies', 'registered']);

    await backend.setPolicies(['lossy', 'slow']);
    assert.deepEqual(network.active, ['lossy', 'slow']);
    await assert.rejects(backend.setPolicies(['nope']), /no policy named "nope"/);

    await backend.register('x', { latency: '5ms' });
    assert.equal(network.registry.peek('x')!.uplink.latencyMs, 5);

    await backend.pause();
    assert.equal(network.paused, true);
    await backend.resume();
    assert.equal(network.paused, false);
    await backend.reset();
    assert.equal(network.resets, 1);

    const snapshot = await new Promise((resolve) => {
      const stop = backend.subscribe(50, (s) => {
        stop();
        resolve(s);
      });
    });
    assert.deepEqual(snapshot, { ...SNAP_B, policies: ['lossy', 'slow'] });
  });
});

test('the tuned copy the keys register is accepted by the real registry', async () => {
  const network = networkWith(['kitchen']);
  await withControl(network, async (client) => {
    const text = await runCommand(controlBackend(client), { kind: 'tune', latencyMs: 10, loss: 0.01 });
    assert.deepEqual(network.active, ['kitchen.tuned']);
    const tuned = network.registry.peek('kitchen.tuned')!;
    const base = network.registry.peek('kitchen')!;
    assert.equal(tuned.uplink.latencyMs, base.uplink.latencyMs + 10);
    assert.equal(tuned.downlink.packetLoss, 0.01);
    assert.deepEqual(tuned.targets, base.targets);
    assert.deepEqual(tuned.dns, base.dns);
    assert.match(text, /^active: kitchen\.tuned \(↑ latency 30\.0ms/);
  });
});
