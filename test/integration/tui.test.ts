import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { FAULTNET, settledState, systemState } from './harness.js';

const session = `faultnet-tui-${process.pid}`;

function tmux(...args: string[]): string {
  return execFileSync('tmux', args, { encoding: 'utf8' });
}

function screen(): string {
  return tmux('capture-pane', '-p', '-t', session);
}

/** tmux offers no change notification: poll the screen until `check` holds, with a deadline. */
async function until(what: string, check: (text: string) => boolean, ms = 15_000): Promise<string> {
  const end = Date.now() + ms;
  for (;;) {
    const text = screen();
    if (check(text)) return text;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}; screen:\n${text}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function sessionAlive(): boolean {
  try {
    tmux('has-session', '-t', session);
    return true;
  } catch {
    return false;
  }
}

test('the TUI in tmux: counters move, a key switches the policy and the measured delay follows, q leaves nothing', async (t) => {
  const before = await settledState();
  const file = join(tmpdir(), `faultnet-tui-${process.pid}.yaml`);
  writeFileSync(file, 'calm:\n  description: no faults\nslow:\n  latency: 40ms\n');
  const command = [
    process.execPath,
    FAULTNET,
    'run',
    '--tui',
    '--policy-file',
    file,
    '--policy',
    'calm',
    '--',
  ];
  tmux(
    'new-session',
    '-d',
    '-s',
    session,
    '-x',
    '100',
    '-y',
    '30',
    [...command, 'ping', '-i', '0.05', '10.0.2.2'].join(' '),
  );
  t.after(() => {
    if (sessionAlive()) tmux('kill-session', '-t', session);
  });

  const moving = (text: string) => /↑ uplink\s+[1-9]\d* pkt\/s/.test(text);
  await until('uplink packets per second', moving);
  assert.match(screen(), /\[x\] calm/);

  tmux('send-keys', '-t', session, '2');
  const measured = (text: string) => {
    const m = /slow\s+↑\s+\d+ pkts\s+cfg 40\.0ms\s+p50\/p95\/p99 ([\d.]+)ms/.exec(text);
    return m !== null && Math.abs(Number(m[1]) - 40) < 4;
  };
  const text = await until('the slow policy with a measured p50 near 40 ms', measured);
  assert.match(text, /\[x\] slow/);

  tmux('send-keys', '-t', session, 'q');
  const end = Date.now() + 10_000;
  while (sessionAlive() && Date.now() < end) await new Promise((r) => setTimeout(r, 100));
  assert.equal(sessionAlive(), false, 'q ends faultnet (and so the tmux session)');
  assert.deepEqual(systemState(), before);
});
