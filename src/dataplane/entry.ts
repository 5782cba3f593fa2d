/**
 * The data-plane thread's main: loads while the main thread makes the namespace, builds the
 * DataPlane from the `configure` notice, then serves protocol.ts. Commands arrive on `commands`
 * and are answered there, then the shared word is raised so the main thread, asleep on it, wakes
 * to read the reply.
 */
import { type MessagePort, parentPort, workerData } from 'node:worker_threads';
import type { Command, CommandReply, Notice, Report } from './protocol.js';
import { DataPlane } from './runtime.js';

interface EntryData {
  commands: MessagePort;
  signal: Int32Array;
}

/**
 * Events sent to the main thread in one second at most: the run record keeps 1,000 anyway, and a
 * flood of refused connections must not queue a message per SYN between the threads.
 */
const EVENTS_PER_SECOND = 1000;

const { commands, signal } = workerData as EntryData;
const port = parentPort!;
let windowStart = 0;
let sentInWindow = 0;
let dropped = 0;
const flushDropped = () => {
  if (dropped > 0) port.postMessage({ type: 'eventsDropped', count: dropped } satisfies Report);
  dropped = 0;
};
setInterval(flushDropped, 1000).unref();
const report = (r: Report) => {
  if (r.type === 'event') {
    const now = performance.now();
    if (now - windowStart >= 1000) {
      windowStart = now;
      sentInWindow = 0;
    }
    if (++sentInWindow > EVENTS_PER_SECOND) {
      dropped++;
      return;
    }
  }
  port.postMessage(r);
};
let plane: DataPlane;

function perform(command: Command): unknown {
  if (plane === undefined) throw new Error(`faultnet: ${command.op} before the data plane was configured`);
  switch (command.op) {
    case 'setPolicies':
      plane.setPolicies(command.policies, command.fallbackSeed);
      return null;
    case 'setPaused':
      plane.setPaused(command.paused);
      return null;
    case 'resetCounters':
      plane.resetCounters();
      return null;
    case 'stats':
      return plane.stats(command.view);
    case 'finish': {
      // The last count goes in the reply: the run record is written before another message is read.
      const eventsDropped = dropped;
      dropped = 0;
      return { ...plane.finish(), eventsDropped };
    }
  }
}

function answer(command: Command): void {
  let reply: CommandReply;
  try {
    reply = { ok: true, value: perform(command) };
  } catch (err) {
    reply = { ok: false, message: (err as Error).message };
  }
  commands.postMessage(reply);
  Atomics.store(signal, 0, 1);
  Atomics.notify(signal, 0);
}

// The main thread sleeps until the reply: at most the guard's few milliseconds longer.
commands.on('message', (command: Command) => {
  // Before `configure` there is no data plane: the reply says so.
  if (plane === undefined) answer(command);
  else plane.betweenPackets(() => answer(command));
});

port.on('message', (notice: Notice) => {
  switch (notice.type) {
    case 'configure':
      plane = new DataPlane(notice.config, report);
      report({ type: 'ready' });
      return;
    case 'drain':
      void plane.drain(notice.withinMs).then((drained) => report({ type: 'drained', drained }));
      return;
    case 'endLinger':
      plane.endLinger();
      return;
    case 'shutdown':
      plane.shutdown();
      commands.close();
      port.close();
      return;
  }
});
