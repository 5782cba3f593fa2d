import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { validatePolicies } from '../../src/policy/registry.js';
import { compileRuleSet, EMPTY_RULE_SET } from '../../src/policy/resolve.js';
import type { FlowDescriptor } from '../../src/policy/types.js';

function rules(root: Record<string, unknown>) {
  return compileRuleSet(validatePolicies(root), { fallbackSeed: 1 });
}

function flow(
  dstAddress: string,
  dstPort = 443,
  protocol: FlowDescriptor['protocol'] = 'tcp',
  hostnames: string[] = [],
) {
  return { protocol, dstAddress, dstPort, hostnames };
}

function winner(rs: ReturnType<typeof rules>, f: FlowDescriptor): string | null {
  return rs.resolve(f)?.key ?? null;
}

describe('RuleSet.resolve', () => {
  it('matches nothing without policies and everything with a target-less policy', () => {
    assert.equal(EMPTY_RULE_SET.resolve(flow('10.0.0.1')), null);
    const rs = rules({ all: { latency: '5ms' } });
    assert.equal(winner(rs, flow('10.0.0.1')), 'all');
    assert.equal(winner(rs, flow('2001:db8::1', 0, 'icmp')), 'all');
    assert.equal(rs.resolve(flow('10.0.0.1'))?.ruleIndex, null);
  });

  it('returns null when no rule matches', () => {
    const rs = rules({ a: { targets: ['tcp://10.0.0.0/8:443'] } });
    assert.equal(winner(rs, flow('10.1.2.3')), 'a#0');
    assert.equal(winner(rs, flow('11.1.2.3')), null);
    assert.equal(winner(rs, flow('10.1.2.3', 80)), null);
    assert.equal(winner(rs, flow('10.1.2.3', 443, 'udp')), null);
  });

  it('lets the highest priority win over specificity and order', () => {
    const rs = rules({
      exact: { targets: [{ host: '10.0.0.1', priority: 100 }] },
      broad: { targets: [{ cidr: '0.0.0.0/0', priority: 200 }] },
    });
    assert.equal(winner(rs, flow('10.0.0.1')), 'broad#0');
    const low = rules({ all: {}, exact: { targets: [{ host: '10.0.0.1', priority: 99 }] } });
    assert.equal(winner(low, flow('10.0.0.1')), 'all');
  });

  it('breaks priority ties by specificity: host > hostname > wildcard > smaller cidr > larger > catch-all', () => {
    const root = {
      catchall: {},
      big: { targets: ['any://10.0.0.0/8'] },
      small: { targets: ['any://10.1.0.0/16'] },
      wild: { targets: ['any://*.example.com'] },
      name: { targets: ['any://api.example.com'] },
      host: { targets: ['any://10.1.2.3'] },
    };
    const names = ['api.example.com'];
    assert.equal(winner(rules(root), flow('10.1.2.3', 443, 'tcp', names)), 'host#0');
    const { host: _h, ...noHost } = root;
    assert.equal(winner(rules(noHost), flow('10.1.2.3', 443, 'tcp', names)), 'name#0');
    const { name: _n, ...noName } = noHost;
    assert.equal(winner(rules(noName), flow('10.1.2.3', 443, 'tcp', names)), 'wild#0');
    const { wild: _w, ...noWild } = noName;
    assert.equal(winner(rules(noWild), flow('10.1.2.3', 443, 'tcp', names)), 'small#0');
    assert.equal(winner(rules(noWild), flow('10.2.0.1')), 'big#0');
    assert.equal(winner(rules(noWild), flow('11.0.0.1')), 'catchall');
  });

  it('breaks full ties by activation order, then rule order', () => {
    const rs = rules({
      first: { targets: ['tcp://*:443', 'tcp://*:80-443'] },
      second: { targets: ['tcp://*:443'] },
    });
    assert.equal(winner(rs, flow('10.0.0.1')), 'first#0');
    const swapped = compileRuleSet(
      validatePolicies({ a: { targets: ['tcp://*:443'] }, b: { targets: ['tcp://*:443'] } }).reverse(),
    );
    assert.equal(winner(swapped, flow('10.0.0.1')), 'b#0');
  });

  it('prefers a target naming ports or a protocol over an otherwise equal one', () => {
    const rs = rules({ any: { targets: ['any://10.0.0.0/8'] }, port: { targets: ['any://10.0.0.0/8:443'] } });
    assert.equal(winner(rs, flow('10.0.0.1')), 'port#0');
    const proto = rules({ any: { targets: ['any://10.0.0.0/8'] }, tcp: { targets: ['tcp://10.0.0.0/8'] } });
    assert.equal(winner(proto, flow('10.0.0.1')), 'tcp#0');
  });

  it('matches hostname wildcards on subdomains only, case-insensitively', () => {
    const rs = rules({ w: { targets: ['tcp://*.example.com'] } });
    assert.equal(winner(rs, flow('1.2.3.4', 443, 'tcp', ['a.example.com'])), 'w#0');
    assert.equal(winner(rs, flow('1.2.3.4', 443, 'tcp', ['A.B.Example.Com.'])), 'w#0');
    assert.equal(winner(rs, flow('1.2.3.4', 443, 'tcp', ['example.com'])), null);
    assert.equal(winner(rs, flow('1.2.3.4', 443, 'tcp', ['notexample.com'])), null);
    assert.equal(winner(rs, flow('1.2.3.4', 443, 'tcp', [])), null);
    assert.equal(winner(rs, flow('1.2.3.4', 443, 'tcp', ['x.org', 'b.example.com'])), 'w#0');
    const longer = rules({
      w: { targets: ['tcp://*.example.com'] },
      w2: { targets: ['tcp://*.api.example.com'] },
    });
    assert.equal(winner(longer, flow('1.2.3.4', 443, 'tcp', ['v1.api.example.com'])), 'w2#0');
  });

  it('matches port lists and inclusive ranges', () => {
    const rs = rules({ p: { targets: [{ port: [22, '80-90', '443,8443'] }] } });
    for (const port of [22, 80, 85, 90, 443, 8443])
      assert.equal(winner(rs, flow('1.1.1.1', port)), 'p#0', String(port));
    for (const port of [21, 79, 91, 444, 0])
      assert.equal(winner(rs, flow('1.1.1.1', port)), null, String(port));
    assert.equal(winner(rs, flow('1.1.1.1', 0, 'icmp')), null);
  });

  it('matches IPv6 hosts and CIDRs, never across families', () => {
    const rs = rules({
      six: { targets: ['udp://[2001:db8::]/32'] },
      host: { targets: ['udp://[2001:db8::53]:53'] },
      four: { targets: ['udp://0.0.0.0/0'] },
    });
    assert.equal(winner(rs, flow('2001:db8:ffff::1', 53, 'udp')), 'six#0');
    assert.equal(winner(rs, flow('2001:db8::53', 53, 'udp')), 'host#0');
    assert.equal(winner(rs, flow('2001:db9::1', 53, 'udp')), null);
    assert.equal(winner(rs, flow('192.0.2.1', 53, 'udp')), 'four#0');
    const all6 = rules({ v6: { targets: [{ cidr: '::/0' }] } });
    assert.equal(winner(all6, flow('10.0.0.1')), null);
    assert.equal(winner(all6, flow('::1')), 'v6#0');
  });

  it('matches protocols; any covers other', () => {
    const rs = rules({ icmp: { targets: ['icmp://*'] }, any: { targets: [{ priority: 1 }] } });
    assert.equal(winner(rs, flow('1.1.1.1', 0, 'icmp')), 'icmp#0');
    assert.equal(winner(rs, flow('1.1.1.1', 0, 'other')), 'any#0');
  });

  it('gives each compiled set a new generation and uses the fallback seed only without a policy seed', () => {
    const policies = validatePolicies({ a: { seed: 9 }, b: {} });
    const one = compileRuleSet(policies, { fallbackSeed: 5 });
    const two = compileRuleSet(policies, { fallbackSeed: 5 });
    assert.notEqual(one.generation, two.generation);
    assert.deepEqual(
      one.rules.map((r) => r.seed),
      [9, 5],
    );
    assert.deepEqual(one.policyNames, ['a', 'b']);
    assert.ok(Object.isFrozen(one) && Object.isFrozen(one.rules));
  });

  it('counts a repeated policy once, at its first position', () => {
    const [a, b] = validatePolicies({ a: {}, b: {} });
    assert.deepEqual(compileRuleSet([a!, b!, a!]).policyNames, ['a', 'b']);
  });
});

describe('RuleSet.resolveDns', () => {
  it('applies hostname rules to their names and hostname-less policies to all queries', () => {
    const rs = rules({
      named: { dns: { nxdomain: '100%' }, targets: ['any://*.example.com', 'tcp://10.0.0.0/8'] },
      everything: { dns: { delay: '10ms' }, targets: [{ priority: 50 }] },
      nodns: { latency: '5ms', targets: [{ priority: 1000 }] },
    });
    assert.equal(rs.resolveDns('a.example.com')?.key, 'named#0');
    assert.equal(rs.resolveDns('A.Example.com.')?.key, 'named#0');
    assert.equal(rs.resolveDns('example.com')?.key, 'everything#0');
    assert.equal(rs.resolveDns('other.org')?.key, 'everything#0');
    assert.equal(rules({ nodns: { latency: '5ms' } }).resolveDns('a.b'), null);
  });
});
