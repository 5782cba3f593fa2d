import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';
import { cleanup, render } from 'ink-testing-library';
import { App, REFRESH_MS } from '../../tui/app.js';
import { MemoryBackend, SNAP_A, SNAP_B, settle } from './tui-fixtures.js';

afterEach(cleanup);

const RIGHT = '\x1b[C';
const LEFT = '\x1b[D';
const ENTER = '\r';

/** The App on a backend that has sent SNAP_A then SNAP_B, policies loaded. */
async function started() {
  const backend = new MemoryBackend();
  let quits = 0;
  const app = render(<App backend={backend} logPath="/tmp/run.log" onQuit={() => quits++} />);
  await settle();
  backend.emit(SNAP_A);
  backend.emit(SNAP_B);
  await settle();
  const press = async (keys: string) => {
    app.stdin.write(keys);
    await settle();
  };
  return { backend, app, press, quits: () => quits, frame: () => app.lastFrame() ?? '' };
}

test('subscribes at 4 snapshots a second and shows rates derived from the last two', async () => {
  const { backend, frame } = await started();
  assert.equal(backend.intervalMs, REFRESH_MS);
  assert.ok(REFRESH_MS <= 250);
  assert.match(frame(), /↑ uplink {4}1\.00k pkt\/s {3}1\.00MB\/s/);
  assert.match(frame(), /↓ downlink {2}2\.00k pkt\/s {3}2\.00MB\/s/);
  assert.match(frame(), /» press \? for keys {2}log: \/tmp\/run\.log/);
});

test('number keys switch to that registered policy; 0 deactivates all', async () => {
  const { backend, press, frame } = await started();
  await press('3');
  assert.deepEqual(backend.calls, [['setPolicies', ['lossy']]]);
  assert.match(frame(), /» active: lossy/);
  assert.match(frame(), /›3 \[x\] lossy/);
  await press('0');
  assert.deepEqual(backend.calls.at(-1), ['setPolicies', []]);
  assert.match(frame(), /» no policy active/);
  await press('9');
  assert.equal(backend.calls.length, 2);
  assert.match(frame(), /» no policy 9 \(4 registered\)/);
});

test('arrows move the cursor, enter switches to it, space toggles it in the active set', async () => {
  const { backend, press, frame } = await started();
  await press(RIGHT);
  await press(RIGHT);
  await press(LEFT);
  assert.match(frame(), /›2 \[ \] kitchen/);
  await press(ENTER);
  assert.deepEqual(backend.calls, [['setPolicies', ['kitchen']]]);
  await press(RIGHT);
  await press(' ');
  assert.deepEqual(backend.calls.at(-1), ['setPolicies', ['kitchen', 'lossy']]);
  assert.match(frame(), /» activated lossy/);
  await press(' ');
  assert.deepEqual(backend.calls.at(-1), ['setPolicies', ['kitchen']]);
});

test('p pauses, and p again resumes, even before a snapshot says it is paused', async () => {
  const { backend, press, frame } = await started();
  await press('p');
  assert.match(frame(), /» faults paused/);
  await press('p');
  assert.deepEqual(backend.calls, [['pause'], ['resume']]);
  backend.emit({ ...SNAP_B, uptimeMs: 12_000, paused: true });
  await settle();
  assert.match(frame(), /PAUSED/);
  await press('p');
  assert.deepEqual(backend.calls.at(-1), ['resume']);
});

test('+ and ] register a tuned copy of the active policy and activate it in its place', async () => {
  const { backend, press, frame } = await started();
  await press('+');
  assert.equal(backend.calls.length, 2);
  assert.equal(backend.calls[0]![0], 'register');
  assert.equal(backend.calls[0]![1], 'slow.tuned');
  assert.deepEqual(backend.calls[1], ['setPolicies', ['slow.tuned']]);
  assert.equal(backend.policyMap['slow.tuned']!.uplink.latencyMs, 60);
  await press('+');
  await press(']');
  await press(']');
  await press('-');
  const tuned = backend.policyMap['slow.tuned']!;
  assert.equal(tuned.uplink.latencyMs, 60);
  assert.equal(tuned.downlink.latencyMs, 60);
  assert.equal(tuned.downlink.packetLoss, 0.03);
  assert.deepEqual(tuned.targets, backend.policyMap.slow!.targets);
  assert.equal(backend.policyMap.slow!.uplink.latencyMs, 50, 'the original is untouched');
  assert.match(frame(), /» active: slow\.tuned \(latency 60\.0ms±10\.0ms, loss 3%\)/);
  await press('[');
  assert.equal(backend.policyMap['slow.tuned']!.uplink.packetLoss, 0.02);
});

test('quick repeated keys each build on the previous one', async () => {
  const { backend, app } = await started();
  app.stdin.write('+');
  app.stdin.write('+');
  app.stdin.write('+');
  await settle();
  assert.equal(backend.policyMap['slow.tuned']!.uplink.latencyMs, 80);
});

test('r resets the counters; a failed command says why', async () => {
  const { backend, press, frame } = await started();
  await press('r');
  assert.deepEqual(backend.calls, [['reset']]);
  assert.match(frame(), /» counters reset/);
  backend.reset = async () => {
    throw new Error('control socket closed');
  };
  await press('r');
  assert.match(frame(), /» failed: control socket closed/);
});

test('? opens the help overlay; the next key closes it without acting', async () => {
  const { backend, press, frame } = await started();
  await press('?');
  assert.match(frame(), /keys \(any key closes\)/);
  await press('r');
  assert.doesNotMatch(frame(), /keys \(any key closes\)/);
  assert.deepEqual(backend.calls, []);
});

test('q quits, and so does ctrl-c', async () => {
  const first = await started();
  await first.press('q');
  assert.equal(first.quits(), 1);
  const second = await started();
  await second.press('\x03');
  assert.equal(second.quits(), 1);
});
