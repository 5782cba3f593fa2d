import assert from 'node:assert/strict';
import { test } from 'node:test';
import { clientScript } from '../integration/harness.js';
import { churn, echoServer } from '../integration/tcp-helpers.js';

// Issue 4's scale criterion: 1,000 TCP connections a second, opened and closed for a minute,
// without leaks: faultnet's TCP flow count drains to 0 and its RSS returns to the warmed-up level.
test('1,000 connections a second for 60 s: no flow or memory leak', async (t) => {
  const echo = await echoServer();
  try {
    const r = await churn(clientScript('tcp_conns.py'), echo.port, 60);
    const grownMiB = (r.rssAfterKiB - r.rssAfterWarmUpKiB) / 1024;
    t.diagnostic(
      `${r.report.ok} connections in ${r.report.seconds} s; RSS ${(r.rssAfterWarmUpKiB / 1024).toFixed(1)} -> ${(r.rssAfterKiB / 1024).toFixed(1)} MiB`,
    );
    assert.deepEqual(
      { ok: r.report.ok, failed: r.report.failed },
      { ok: 60_000, failed: 0 },
      r.report.error ?? '',
    );
    assert.ok(r.report.seconds < 66, `paced at 1,000/s: took ${r.report.seconds} s`);
    assert.equal(r.flowsAfterWarmUp, 0);
    assert.equal(r.flowsAfter, 0);
    assert.ok(grownMiB < 16, `RSS grew ${grownMiB.toFixed(1)} MiB`);
  } finally {
    await echo.close();
  }
});
