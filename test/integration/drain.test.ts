import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { test } from 'node:test';
import { faultnet, readRunRecord, udpSink, withTempDir } from './harness.js';

/** What a host TCP server received on its one connection, and how the connection ended. */
interface Upload {
  bytes: number;
  sha256: string;
  ending: 'end' | 'reset';
}

async function uploadServer(): Promise<{ port: number; server: Server; upload: Promise<Upload> }> {
  let resolveUpload: (u: Upload) => void;
  const upload = new Promise<Upload>((resolve) => {
    resolveUpload = resolve;
  });
  const server = createServer({ allowHalfOpen: true }, (socket) => {
    const hash = createHash('sha256');
    let bytes = 0;
    socket.on('data', (d) => {
      bytes += d.length;
      hash.update(d);
    });
    socket.on('end', () => {
      resolveUpload({ bytes, sha256: hash.digest('hex'), ending: 'end' });
      socket.end();
    });
    socket.on('error', () => resolveUpload({ bytes, sha256: '', ending: 'reset' }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: (server.address() as { port: number }).port, server, upload };
}

function sendFile(dir: string): { path: string; sha256: string } {
  const data = randomBytes(20_000_000);
  const path = join(dir, '20mb');
  writeFileSync(path, data);
  return { path, sha256: createHash('sha256').update(data).digest('hex') };
}

test('a 20 MB upload under --latency 50ms is complete after the program exits: the kernel’s queue drains', async () => {
  await withTempDir('faultnet-drain-', async (dir) => {
    const file = sendFile(dir);
    const host = await uploadServer();
    try {
      const json = join(dir, 'run.json');
      const r = await faultnet([
        'run',
        '--latency',
        '50ms',
        '--run-json',
        json,
        '--',
        'socat',
        '-u',
        `OPEN:${file.path}`,
        `TCP:10.0.2.2:${host.port}`,
      ]);
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(await host.upload, { bytes: 20_000_000, sha256: file.sha256, ending: 'end' });
      const record = readRunRecord(json);
      assert.match(record.events.find((e) => e.kind === 'close')!.message, /^drained in \d+ ms$/);
      assert.equal(record.stats.discards.closeHeld, 0);
    } finally {
      host.server.close();
    }
  });
});

test('--linger 0: an upload still in flight at exit is reset, never a clean end of a short stream', async () => {
  await withTempDir('faultnet-drain-', async (dir) => {
    const file = sendFile(dir);
    const host = await uploadServer();
    try {
      const r = await faultnet([
        'run',
        '--latency',
        '50ms',
        '--linger',
        '0',
        '--',
        'socat',
        '-u',
        `OPEN:${file.path}`,
        `TCP:10.0.2.2:${host.port}`,
      ]);
      assert.equal(r.code, 0, r.stderr);
      const upload = await host.upload;
      assert.equal(upload.ending, 'reset');
      assert.ok(upload.bytes < 20_000_000, `${upload.bytes} bytes`);
    } finally {
      host.server.close();
    }
  });
});

test('--linger bounds the drain: a 1 mbit/s upload is reset when 1 s runs out, held packets counted', async () => {
  await withTempDir('faultnet-drain-', async (dir) => {
    const file = sendFile(dir);
    const host = await uploadServer();
    try {
      const json = join(dir, 'run.json');
      // The program gives up after 1 s with megabytes still queued in its 4 MB socket buffer.
      const r = await faultnet([
        'run',
        '--rate',
        '1mbit',
        '--linger',
        '1s',
        '--run-json',
        json,
        '--',
        'timeout',
        '1',
        'socat',
        '-u',
        `OPEN:${file.path}`,
        `TCP:10.0.2.2:${host.port},sndbuf=4000000`,
      ]);
      assert.equal(r.code, 124, r.stderr);
      assert.equal((await host.upload).ending, 'reset');
      const record = readRunRecord(json);
      assert.match(
        record.events.find((e) => e.kind === 'close')!.message,
        /^linger ran out after \d+ ms: 1 host connections reset, \d+ held packets discarded$/,
      );
      assert.ok(record.stats.discards.closeHeld > 0, JSON.stringify(record.stats.discards));
    } finally {
      host.server.close();
    }
  });
});

test('200 UDP datagrams sent just before exit under --latency 100ms all arrive', async () => {
  const sink = await udpSink();
  const script = [
    'import socket',
    's = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)',
    `for i in range(200): s.sendto(b"%d" % i, ("10.0.2.2", ${sink.port}))`,
  ].join('\n');
  const r = await faultnet(['run', '--latency', '100ms', '--', 'python3', '-c', script]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal((await sink.finish()).count, 200);
});
