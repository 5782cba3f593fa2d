import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { PolicyError } from '../../src/policy/errors.js';
import {
  clearPolicies,
  getPolicy,
  listPolicies,
  loadPolicies,
  PolicyRegistry,
  registerPolicy,
  unregisterPolicy,
} from '../../src/policy/registry.js';

const dir = mkdtempSync(join(tmpdir(), 'faultnet-policy-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

describe('PolicyRegistry', () => {
  it('registers, overwrites, lists sorted, unregisters and clears', () => {
    const r = new PolicyRegistry();
    r.register('zeta', { latency: '1ms' });
    r.register('alpha', { latency: '2ms' });
    r.register('Mid', {});
    assert.deepEqual(r.list(), ['Mid', 'alpha', 'zeta']);
    r.register('zeta', { latency: '9ms' });
    assert.equal(r.get('zeta')?.uplink.latencyMs, 9);
    assert.equal(r.unregister('alpha'), true);
    assert.equal(r.unregister('alpha'), false);
    assert.deepEqual(r.list(), ['Mid', 'zeta']);
    r.clear();
    assert.deepEqual(r.list(), []);
    assert.equal(r.get('zeta'), undefined);
  });

  it('keeps the old policy when a replacement is rejected', () => {
    const r = new PolicyRegistry();
    r.register('p', { latency: '1ms' });
    assert.throws(() => r.register('p', { latency: 'soon' }), /^PolicyError: policies\.p\.latency/);
    assert.equal(r.get('p')?.uplink.latencyMs, 1);
  });

  it('returns deep copies from get', () => {
    const r = new PolicyRegistry();
    r.register('p', { latency: '1ms', targets: ['tcp://*:80'] });
    const copy = r.get('p')!;
    assert.equal(Object.isFrozen(copy), false);
    (copy.uplink as { latencyMs: number }).latencyMs = 500;
    (copy.targets as unknown[]).length = 0;
    assert.equal(r.get('p')?.uplink.latencyMs, 1);
    assert.equal(r.get('p')?.targets.length, 1);
    assert.equal(r.peek('p')?.uplink.latencyMs, 1);
  });

  it('keeps registries apart', () => {
    const a = new PolicyRegistry();
    const b = new PolicyRegistry();
    a.register('p', {});
    assert.deepEqual(b.list(), []);
  });

  it('loads YAML and JSON files by extension or by content', () => {
    const r = new PolicyRegistry();
    const yaml = file(
      'p.yaml',
      'slow:\n  latency: 50ms\n  uplink:\n    jitter: 5ms\nlossy:\n  packet_loss: 5%\n',
    );
    assert.equal(r.loadFile(yaml), 2);
    assert.equal(r.get('slow')?.uplink.jitterMs, 5);
    assert.equal(r.get('slow')?.downlink.jitterMs, 0);
    assert.equal(r.loadFile(file('p.json', JSON.stringify({ fast: { rate: '1gbps' } }))), 1);
    assert.equal(r.loadFile(file('policies.conf', '{"viaJson": {"latency": "1ms"}}')), 1);
    assert.equal(r.loadFile(file('policies.txt', 'viaYaml:\n  latency: 2ms\n')), 1);
    assert.deepEqual(r.list(), ['fast', 'lossy', 'slow', 'viaJson', 'viaYaml']);
  });

  it('loads all or nothing', () => {
    const r = new PolicyRegistry();
    r.register('slow', { latency: '1ms' });
    const bad = file('bad.yaml', 'slow:\n  latency: 50ms\nbroken:\n  uplink:\n    jitter: "20"\n');
    assert.throws(
      () => r.loadFile(bad),
      (err: unknown) =>
        err instanceof PolicyError &&
        err.message ===
          'policies.broken.uplink.jitter: expected a duration like "20ms", "250us" or "1.5s", from 0 to 3600s, got "20"',
    );
    assert.deepEqual(r.list(), ['slow']);
    assert.equal(r.get('slow')?.uplink.latencyMs, 1);
  });

  it('reports unreadable files, bad syntax and bad roots against the file', () => {
    const r = new PolicyRegistry();
    assert.throws(
      () => r.loadFile(join(dir, 'missing.yaml')),
      /missing\.yaml: cannot read policy file: ENOENT/,
    );
    assert.throws(() => r.loadFile(file('bad.json', '{"a": ')), /bad\.json: invalid JSON/);
    assert.throws(() => r.loadFile(file('bad2.yaml', 'a: [1, 2\n')), /bad2\.yaml: invalid YAML/);
    assert.throws(
      () => r.loadFile(file('list.yaml', '- a\n- b\n')),
      /^PolicyError: policies: expected an object keyed by policy name/,
    );
    assert.throws(
      () => r.loadFile(file('empty.yaml', '')),
      /policies: expected an object keyed by policy name, got null/,
    );
    assert.equal(r.loadFile(file('none.json', '{}')), 0);
  });
});

describe('default registry functions', () => {
  it('operate on one shared registry', () => {
    clearPolicies();
    registerPolicy('b', { latency: '3ms' });
    assert.equal(loadPolicies(file('d.yml', 'a: {}\n')), 1);
    assert.deepEqual(listPolicies(), ['a', 'b']);
    assert.equal(getPolicy('b')?.uplink.latencyMs, 3);
    assert.equal(unregisterPolicy('b'), true);
    assert.deepEqual(listPolicies(), ['a']);
    clearPolicies();
    assert.deepEqual(listPolicies(), []);
  });
});

describe('hostile policy files', () => {
  const dir = mkdtempSync(join(tmpdir(), 'faultnet-policy-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const load = (path: string) => () => new PolicyRegistry().loadFile(path);

  it('a FIFO, a device and a directory are refused at once, without reading', () => {
    const fifo = join(dir, 'fifo.yaml');
    execFileSync('mkfifo', [fifo]);
    assert.throws(load(fifo), { message: `${fifo}: a policy file must be a regular file` });
    assert.throws(load('/dev/zero'), { message: '/dev/zero: a policy file must be a regular file' });
    assert.throws(load(dir), { message: `${dir}: a policy file must be a regular file` });
  });

  it('a file over 1 MiB is refused by its size', () => {
    const big = join(dir, 'big.json');
    writeFileSync(big, `{"p": {"description": "${'x'.repeat(2 * 1024 * 1024)}"}}`);
    assert.throws(load(big), { message: /^.*big\.json: policy file is 2097\d+ bytes, more than 1048576$/ });
  });

  it('100,000-deep JSON or YAML is refused with its path, not a stack overflow', () => {
    for (const ext of ['json', 'yaml']) {
      const deep = join(dir, `deep.${ext}`);
      writeFileSync(deep, `{"p": ${'['.repeat(100_000)}${']'.repeat(100_000)}}`);
      assert.throws(load(deep), { message: `${deep}: nested deeper than 32 levels` });
    }
  });

  it('a YAML tag is refused, not read as an empty policy', () => {
    const tagged = join(dir, 'tagged.yaml');
    writeFileSync(tagged, 'p: !!set {latency, loss}\n');
    assert.throws(load(tagged), {
      message: `${tagged}: invalid YAML: YAML tags are not allowed (tag:yaml.org,2002:set)`,
    });
  });
});
