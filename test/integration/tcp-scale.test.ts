import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { clientScript, faultnet } from './harness.js';
import {
  assertChurnClean,
  ControlledRun,
  churn,
  connsReport,
  type EchoServer,
  echoServer,
} from './tcp-helpers.js';

// Many connections through the userspace stack against a host echo server (tcp_conns.py inside
// the namespace). The one-minute churn run is test/long/tcp-churn.test.ts.

const CLIENT = clientScript('tcp_conns.py');
let echo: EchoServer;

before(async () => {
  echo = await echoServer();
});

after(() => echo.close());

async function conns(mode: string, n: number): Promise<ReturnType<typeof connsReport>> {
  const r = await faultnet([
    'run',
    '--',
    'sh',
    '-c',
    `ulimit -n 20000 && python3 ${CLIENT} ${mode} 10.0.2.2 ${echo.port} ${n}`,
  ]);
  assert.equal(r.code, 0, r.stderr);
  return connsReport(r.stdout);
}

test('1,000 sequential short connections all echo', async (t) => {
  const report = await conns('sequential', 1000);
  t.diagnostic(`1,000 sequential in ${report.seconds} s`);
  assert.deepEqual(
    { ok: report.ok, failed: report.failed, error: report.error },
    { ok: 1000, failed: 0, error: null },
  );
});

test('256 parallel short connections all echo', async (t) => {
  const report = await conns('parallel', 256);
  t.diagnostic(`256 parallel in ${report.seconds} s`);
  assert.deepEqual(
    { ok: report.ok, failed: report.failed, error: report.error },
    { ok: 256, failed: 0, error: null },
  );
});

test('4,096 connections held open at once, each echoing twice', async (t) => {
  const before = echo.accepted();
  const report = await conns('hold', 4096);
  t.diagnostic(`4,096 opened and echoed twice in ${report.seconds} s`);
  assert.deepEqual(
    { ok: report.ok, failed: report.failed, error: report.error },
    { ok: 4096, failed: 0, error: null },
  );
  assert.equal(echo.accepted() - before, 4096);
});

test('1,000 connections a second for 10 s: flows drain to 0 and RSS stays at its warmed-up level', async (t) => {
  assertChurnClean(t, await churn(CLIENT, echo.port, 10), 10, 12);
});

test('refused connections leave no flows behind', async () => {
  // Port 1 on the host loopback: nothing listens there.
  const run = ControlledRun.start(
    [],
    'for i in $(seq 1 50); do curl -s -o /dev/null http://10.0.2.2:1/; done; echo refused; read x',
  );
  try {
    await run.waitFor('refused');
    assert.equal(await run.tcpFlowsSettle(0, 3000), 0);
    run.proceed();
    assert.equal((await run.finish()).code, 0);
  } finally {
    run.child.kill('SIGTERM');
  }
});
