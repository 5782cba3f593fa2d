import { test } from 'node:test';
import { clientScript } from '../integration/harness.js';
import { assertChurnClean, churn, echoServer } from '../integration/tcp-helpers.js';

// Issue 4's scale criterion: 1,000 TCP connections a second, opened and closed for a minute,
// without leaks: faultnet's TCP flow count drains to 0 and its RSS returns to the warmed-up level.
test('1,000 connections a second for 60 s: no flow or memory leak', async (t) => {
  const echo = await echoServer();
  try {
    assertChurnClean(t, await churn(clientScript('tcp_conns.py'), echo.port, 60), 60, 66);
  } finally {
    await echo.close();
  }
});
