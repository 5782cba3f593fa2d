import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  runWithNetwork,
  type ScopeTarget,
  trackNetwork,
  untrackNetwork,
} from '../../src/api/open-networks.js';
import { checkOptionShape } from '../../src/api/options.js';
import { policiesInForce } from '../../src/api/policy-overlay.js';
import { dns, withPolicy } from '../../src/api/scope.js';
import { validatePolicy } from '../../src/policy/schema.js';

const p = (name: string, input: object) => validatePolicy(input, name);

test('no scope: the active set as it is', () => {
  const slow = p('slow', { latency: '50ms' });
  assert.deepEqual(policiesInForce([slow], []), [slow]);
});

test('a scope without targets layers on each active policy and applies alone last', () => {
  const slow = p('slow', { latency: '50ms', targets: ['tcp://10.0.0.0/8'] });
  const scope = p('scope', { packet_loss: '5%', dns: { nxdomain: 1 } });
  const [layered, alone, ...rest] = policiesInForce([slow], [scope]);
  assert.equal(rest.length, 0);
  assert.equal(layered!.name, 'slow+scope');
  assert.equal(layered!.uplink.latencyMs, 50);
  assert.equal(layered!.uplink.packetLoss, 0.05);
  assert.deepEqual(layered!.targets, slow.targets);
  assert.equal(layered!.dns!.nxdomainProb, 1);
  assert.equal(alone, scope);
});

test('nested scopes merge, the inner winning the fields it sets', () => {
  const outer = p('outer', { latency: '40ms', jitter: '5ms', dns: { nxdomain: 1, delay: '1s' } });
  const inner = p('inner', { latency: '5ms', downlink: { packet_loss: 1 }, dns: { servfail: 0.5 } });
  const [merged] = policiesInForce([], [outer, inner]);
  assert.equal(merged!.name, 'outer+inner');
  assert.deepEqual(
    [
      merged!.uplink.latencyMs,
      merged!.uplink.jitterMs,
      merged!.uplink.packetLoss,
      merged!.downlink.packetLoss,
    ],
    [5, 5, 0, 1],
  );
  assert.deepEqual(merged!.dns, {
    delayMs: 1000,
    delayProb: 1,
    timeoutProb: 0,
    nxdomainProb: 1,
    servfailProb: 0.5,
  });
});

test('a scope with targets goes first and layers on nothing', () => {
  const slow = p('slow', { latency: '50ms' });
  const scope = p('scope', { packet_loss: 1, targets: ['udp://10.0.2.2:53'] });
  assert.deepEqual(policiesInForce([slow], [scope]), [scope, slow]);
});

/** A stand-in network that records which policies are in force. */
class FakeNetwork implements ScopeTarget {
  readonly log: string[] = [];
  depth = 0;
  withPolicy<T>(policy: string | object, fn: () => T): T {
    this.log.push(`enter ${JSON.stringify(policy)}`);
    this.depth++;
    const done = () => {
      this.depth--;
      this.log.push('leave');
    };
    try {
      const result = runWithNetwork(this, fn);
      if (result instanceof Promise) return result.finally(done) as T;
      done();
      return result;
    } catch (err) {
      done();
      throw err;
    }
  }
  closeNow(): void {}
}

test('dns() is a TC39 method decorator and a wrapper, scoped to the call, also on throw', async () => {
  const net = new FakeNetwork();
  trackNetwork(net);
  try {
    class Service {
      constructor(readonly name: string) {}
      @dns({ nxdomain: 1 })
      async depthInside(): Promise<[string, number]> {
        return [this.name, net.depth];
      }
      @dns({ timeout: '50%' })
      fails(): never {
        throw new Error(`failed at depth ${net.depth}`);
      }
    }
    const s = new Service('svc');
    assert.deepEqual(await s.depthInside(), ['svc', 1]);
    assert.throws(() => s.fails(), /failed at depth 1/);
    assert.equal(net.depth, 0);
    const wrapped = dns({ servfail: 1 })((a: number, b: number) => a + b + net.depth);
    assert.equal(wrapped(1, 2), 4);
    assert.equal(
      withPolicy('slow', () => withPolicy({ latency: '1ms' }, () => net.depth)),
      2,
    );
    assert.deepEqual(net.log.slice(0, 2), ['enter {"dns":{"nxdomain":1}}', 'leave']);
    assert.throws(() => dns({ nxdomain: '200%' }), /^PolicyError: dns\.nxdomain: /);
  } finally {
    untrackNetwork(net);
  }
  assert.throws(() => withPolicy('slow', () => 0), /no network is open/);
});

test('option shapes are checked with the field path', () => {
  const flag = (n: string) => `options.${n}`;
  assert.throws(() => checkOptionShape({ hostLoopback: 1 }, flag), /^OptionError: options\.hostLoopback: /);
  assert.throws(
    () => checkOptionShape({ hosts: { 'a.test': [] } }, flag),
    /^OptionError: options\.hosts\.a\.test: /,
  );
  assert.throws(
    () => checkOptionShape({ program: { command: 'x' } }, flag),
    /^OptionError: options\.program: /,
  );
  assert.throws(() => checkOptionShape({ seed: 1.5 }, flag), /^OptionError: options\.seed: /);
  assert.doesNotThrow(() => checkOptionShape({ mtu: 9000, seed: 7, hostLoopback: false }, flag));
});
