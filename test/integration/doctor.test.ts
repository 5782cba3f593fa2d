import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { test } from 'node:test';
import { FAULTNET, faultnet } from './harness.js';

test('faultnet doctor: one line per check, all pass on this machine, exit 0', async () => {
  const r = await faultnet(['doctor']);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  const lines = r.stdout.trim().split('\n');
  assert.deepEqual(
    lines.map((l) => l.replace(/:.*$/, '')),
    [
      'ok   root',
      'ok   /dev/net/tun',
      'ok   unshare',
      'ok   nsenter',
      'ok   ip',
      'ok   native addon',
      'ok   namespaces',
      'ok   stale control sockets',
    ],
  );
});

test('as an unprivileged user: doctor fails with the fix, run refuses with exit 2 and starts nothing', async () => {
  const asNobody = (args: string[]) => {
    try {
      execFileSync(
        'setpriv',
        ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, FAULTNET, ...args],
        {
          encoding: 'utf8',
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      return { code: 0, out: '' };
    } catch (err) {
      const e = err as { status: number; stdout: string; stderr: string };
      return { code: e.status, out: e.stdout + e.stderr };
    }
  };
  const doctor = asNobody(['doctor']);
  assert.equal(doctor.code, 1);
  assert.match(doctor.out, /^FAIL root: .* fix: run faultnet as root/m);
  const run = asNobody(['run', '--', 'true']);
  assert.equal(run.code, 2);
  assert.match(run.out, /needs root/);
  assert.equal(run.out.trim().split('\n').length, 1);
});
