import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PolicyError } from '../../src/policy/errors.js';
import { formatTarget, parsePorts, parseTarget, parseTargets } from '../../src/policy/targets.js';

const base = { protocol: 'any', host: null, cidr: null, hostname: null, ports: null, priority: 100 };

/** Asserts `fn` throws a PolicyError whose message starts with `prefix`. */
function rejects(fn: () => unknown, prefix: string): void {
  assert.throws(fn, (err: unknown) => err instanceof PolicyError && err.message.startsWith(prefix));
}

describe('target strings', () => {
  it('parses every address form', () => {
    assert.deepEqual(parseTarget('tcp://10.0.0.0/8:9000', 't'), {
      ...base,
      protocol: 'tcp',
      cidr: '10.0.0.0/8',
      ports: [{ from: 9000, to: 9000 }],
    });
    assert.deepEqual(parseTarget('udp://[2001:db8::1]:53', 't'), {
      ...base,
      protocol: 'udp',
      host: '2001:db8::1',
      ports: [{ from: 53, to: 53 }],
    });
    assert.deepEqual(parseTarget('tcp://*.Example.COM:443', 't'), {
      ...base,
      protocol: 'tcp',
      hostname: '*.example.com',
      ports: [{ from: 443, to: 443 }],
    });
    assert.deepEqual(parseTarget('any://example.com', 't'), { ...base, hostname: 'example.com' });
    assert.deepEqual(parseTarget('icmp://10.0.2.2', 't'), { ...base, protocol: 'icmp', host: '10.0.2.2' });
    assert.deepEqual(parseTarget('udp://*:53', 't'), {
      ...base,
      protocol: 'udp',
      ports: [{ from: 53, to: 53 }],
    });
    assert.equal(parseTarget('tcp://[2001:db8::]/32', 't').cidr, '2001:db8::/32');
    assert.equal(parseTarget('tcp://[2001:db8::/32]:80', 't').cidr, '2001:db8::/32');
    assert.equal(parseTarget('tcp://[2001:0DB8:0:0::0001]', 't').host, '2001:db8::1');
    assert.equal(parseTarget('tcp://10.1.2.3/8', 't').cidr, '10.0.0.0/8');
    assert.deepEqual(parseTarget('tcp://host.local:80-90,443', 't').ports, [
      { from: 80, to: 90 },
      { from: 443, to: 443 },
    ]);
  });

  it('rejects contradictions and malformed strings', () => {
    const cases: [string, string][] = [
      ['udp://2001:db8::1:53', 't: IPv6 addresses need brackets in URL form'],
      ['udp://2001:db8::1', 't: IPv6 addresses need brackets in URL form'],
      ['tcp://10.0.0.1:0', 't: expected a port from 1 to 65535'],
      ['tcp://10.0.0.1:65536', 't: expected a port from 1 to 65535'],
      ['tcp://10.0.0.1:90-80', 't: expected a port'],
      ['tcp://10.0.0.1:', 't: expected a port'],
      ['tcp://10.0.0.1:80,', 't: expected a port'],
      ['sctp://10.0.0.1', 't: expected one of tcp, udp, icmp, any, got "sctp"'],
      ['10.0.0.1:80', 't: expected a target like'],
      ['tcp://', 't: expected a target like'],
      ['tcp://256.0.0.1', 't: expected an IP address'],
      ['tcp://10.0.0.0/33', 't: expected a CIDR'],
      ['tcp://[10.0.0.1]', 't: expected a bracketed IPv6 address'],
      ['tcp://[2001:db8::1', 't: expected a bracketed IPv6 address'],
      ['tcp://[2001:db8::1]x', 't: expected a target like'],
      ['tcp://bad_host!.com', 't: expected a hostname'],
      ['icmp://10.0.0.1:80', 't: icmp has no ports'],
    ];
    for (const [input, prefix] of cases) {
      rejects(() => parseTarget(input, 't'), prefix);
    }
  });
});

describe('target objects', () => {
  it('parses every field, lower-cases hostnames and defaults priority to 100', () => {
    assert.deepEqual(parseTarget({ protocol: 'UDP', cidr: '2001:db8::/32', port: '53', priority: 7 }, 't'), {
      ...base,
      protocol: 'udp',
      cidr: '2001:db8::/32',
      ports: [{ from: 53, to: 53 }],
      priority: 7,
    });
    assert.deepEqual(parseTarget({ hostname: 'API.Example.com.' }, 't'), {
      ...base,
      hostname: 'api.example.com',
    });
    assert.deepEqual(parseTarget({ host: '::FFFF:10.0.0.1' }, 't').host, '::ffff:a00:1');
    assert.deepEqual(parseTarget({}, 't'), base);
    assert.deepEqual(parseTarget({ priority: 0 }, 't').priority, 0);
    assert.deepEqual(parseTarget({ priority: 65535 }, 't').priority, 65535);
  });

  it('rejects contradictions with the path of the target or field', () => {
    const cases: [unknown, string][] = [
      [{ host: '10.0.0.1', cidr: '10.0.0.0/8' }, 't: host and cidr cannot both be set'],
      [{ hostname: 'a.com', cidr: '10.0.0.0/8' }, 't: hostname cannot be combined with host or cidr'],
      [{ host: 'example.com' }, 't.host: expected an IP address'],
      [{ cidr: '10.0.0.1' }, 't.cidr: expected a CIDR'],
      [{ hostname: '*' }, 't.hostname: expected a hostname'],
      [{ hostname: 'a.*.com' }, 't.hostname: expected a hostname'],
      [{ hostname: '10.0.0.1' }, 't.hostname: expected a hostname'],
      [{ priority: 65536 }, 't.priority: expected a whole number from 0 to 65535'],
      [{ priority: -1 }, 't.priority: expected a whole number from 0 to 65535'],
      [{ protocol: 'http' }, 't.protocol: expected one of tcp, udp, icmp, any'],
      [{ protocol: 'icmp', port: 1 }, 't: icmp has no ports'],
      [
        { port: [] },
        't.port: expected a port from 1 to 65535, a range like "80-90" or a list like "80,443" (not an empty list)',
      ],
      [5, 't: expected a target string or object, got 5'],
    ];
    for (const [input, prefix] of cases) {
      rejects(() => parseTarget(input, 't'), prefix);
    }
  });
});

describe('ports', () => {
  it('reads single ports, inclusive ranges, lists and mixed lists', () => {
    assert.deepEqual(parsePorts(443, 'p'), [{ from: 443, to: 443 }]);
    assert.deepEqual(parsePorts('80-90', 'p'), [{ from: 80, to: 90 }]);
    assert.deepEqual(parsePorts('80, 443', 'p'), [
      { from: 80, to: 80 },
      { from: 443, to: 443 },
    ]);
    assert.deepEqual(parsePorts([22, '8000-8100,9000'], 'p'), [
      { from: 22, to: 22 },
      { from: 8000, to: 8100 },
      { from: 9000, to: 9000 },
    ]);
    assert.deepEqual(parsePorts('1-65535', 'p'), [{ from: 1, to: 65535 }]);
  });
  it('names the list element at fault', () => {
    rejects(() => parsePorts([22, 'x'], 'p'), 'p[1]: expected a port');
    rejects(() => parsePorts([22, null], 'p'), 'p[1]: expected a port');
    rejects(() => parsePorts(1.5, 'p'), 'p: expected a port');
  });
});

describe('target lists', () => {
  it('accepts one target for a list, rejects an empty list, and indexes paths', () => {
    assert.equal(parseTargets('tcp://*:80', 'ts').length, 1);
    rejects(() => parseTargets([], 'ts'), 'ts: expected at least one target');
    rejects(() => parseTargets(['tcp://*:80', 'tcp://*:0'], 'ts'), 'ts[1]: expected a port');
  });
});

describe('formatTarget', () => {
  it('writes the URL form back', () => {
    for (const text of [
      'tcp://10.0.0.0/8:9000',
      'udp://[2001:db8::1]:53',
      'tcp://*.example.com:80-90,443',
      'any://*',
      'udp://[2001:db8::]/32',
    ]) {
      assert.equal(formatTarget(parseTarget(text, 't')), text);
    }
  });
});
