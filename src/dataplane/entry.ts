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

const { commands, signal } = workerData as EntryData;
const port = parentPort!;
const report = (r: Report) => port.postMessage(r);
let plane: DataPlane;

function perform(command: Command): unknown {
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
    case 'finish':
      return plane.finish();
  }
}

commands.on('message', (command: Command) => {
  let reply: CommandReply;
  try {
    reply = { ok: true, value: perform(command) };
  } catch (err) {
    reply = { ok: false, message: (err as Error).message };
  }
  commands.postMessage(reply);
  Atomics.store(signal, 0, 1);
  Atomics.notify(signal, 0);
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
