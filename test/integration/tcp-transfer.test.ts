import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { faultnet } from './harness.js';
import { hashServer, type Payloads, randomPayloads } from './tcp-helpers.js';

// Bulk transfers through the userspace TCP stack, the namespace's kernel TCP on the other end.
// Clean runs move 200 MB down and 100 MB up; under loss, reorder and duplication 20 MB each way,
// so that the file stays well under two minutes on two cores.

const MB = 1_000_000;
const FAULTS = ['--loss', '5%', '--reorder', '5%', '--duplicate', '2%', '--seed', '1'];

let payloads: Payloads;
let server: { port: number; close(): void };

before(async () => {
  payloads = randomPayloads({ 'down.bin': 200 * MB, 'up.bin': 100 * MB, 'small.bin': 20 * MB });
  server = await hashServer(payloads.dir);
});

after(() => {
  server.close();
  payloads.remove();
});

/** curl's own rate report goes to stderr so that stdout carries only the digest. */
async function download(
  mtu: number,
  name: string,
  faults: readonly string[] = [],
): Promise<{ sha: string; mbps: number }> {
  const url = `http://10.0.2.2:${server.port}/${name}`;
  const r = await faultnet([
    'run',
    '--mtu',
    String(mtu),
    ...faults,
    '--',
    'bash',
    '-c',
    `set -o pipefail; curl -sS --max-time 90 -w '%{stderr}rate=%{speed_download}\\n' ${url} | sha256sum`,
  ]);
  assert.equal(r.code, 0, r.stderr);
  const rate = Number(/rate=([\d.]+)/.exec(r.stderr)?.[1]);
  return { sha: r.stdout.split(' ')[0]!, mbps: (rate * 8) / 1e6 };
}

async function upload(
  mtu: number,
  name: string,
  faults: readonly string[] = [],
): Promise<{ sha: string; bytes: number; mbps: number }> {
  const r = await faultnet([
    'run',
    '--mtu',
    String(mtu),
    ...faults,
    '--',
    'curl',
    '-sS',
    '--max-time',
    '90',
    '-w',
    '%{stderr}rate=%{speed_upload}\\n',
    '-T',
    join(payloads.dir, name),
    `http://10.0.2.2:${server.port}/upload`,
  ]);
  assert.equal(r.code, 0, r.stderr);
  const [sha, bytes] = r.stdout.trim().split(' ');
  const rate = Number(/rate=([\d.]+)/.exec(r.stderr)?.[1]);
  return { sha: sha!, bytes: Number(bytes), mbps: (rate * 8) / 1e6 };
}

for (const mtu of [1500, 65520]) {
  test(`MTU ${mtu}: curl downloads 200 MB from the host byte-exact`, async (t) => {
    const { sha, mbps } = await download(mtu, 'down.bin');
    t.diagnostic(`download ${mbps.toFixed(0)} Mbit/s`);
    assert.equal(sha, payloads.sha256['down.bin']);
    assert.ok(mbps > 100, `${mbps.toFixed(0)} Mbit/s`);
  });

  test(`MTU ${mtu}: curl uploads 100 MB to the host byte-exact`, async (t) => {
    const { sha, bytes, mbps } = await upload(mtu, 'up.bin');
    t.diagnostic(`upload ${mbps.toFixed(0)} Mbit/s`);
    assert.equal(bytes, 100 * MB);
    assert.equal(sha, payloads.sha256['up.bin']);
    assert.ok(mbps > 100, `${mbps.toFixed(0)} Mbit/s`);
  });

  test(`MTU ${mtu}: 20 MB down and up under --loss 5% --reorder 5% --duplicate 2%, byte-exact`, async (t) => {
    const down = await download(mtu, 'small.bin', FAULTS);
    const up = await upload(mtu, 'small.bin', FAULTS);
    t.diagnostic(
      `under faults: download ${down.mbps.toFixed(1)} Mbit/s, upload ${up.mbps.toFixed(1)} Mbit/s`,
    );
    assert.equal(down.sha, payloads.sha256['small.bin']);
    assert.equal(up.bytes, 20 * MB);
    assert.equal(up.sha, payloads.sha256['small.bin']);
  });
}
