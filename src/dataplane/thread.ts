import { MessageChannel, type MessagePort, receiveMessageOnPort, Worker } from 'node:worker_threads';
import { trimmerOnGrowth } from '../../netns/memory.js';
import type {
  Command,
  CommandReply,
  CommandResults,
  DataPlaneConfig,
  FinishResult,
  Notice,
  Report,
} from './protocol.js';

const ENTRY = new URL('./entry.js', import.meta.url);
/** A command the data plane has not answered by then means its loop is stuck: say so. */
const REPLY_TIMEOUT_MS = 10_000;
/** After shutdown the thread ends on its own; one that does not by then is terminated. */
const SHUTDOWN_GRACE_MS = 2_000;
/**
 * The data plane's young generation, in MiB. Node's default (about 48 MiB of semi-spaces) lets a
 * packet's garbage pile up before a scavenge and keeps the whole of it resident; 12 MiB held the
 * long stress profile's RSS growth under 64 MiB at the same operation rate (docs/TUNING.md).
 */
const YOUNG_GENERATION_MB = 12;
/**
 * This thread gives the C heap's free pages back (netns/memory.ts), off the packets' thread: it
 * looks every 2 s and trims after 16 MiB of growth, or every 30 s. Trimming every 2 s regardless
 * put 1-3 ms into a packet's delay each time (ping p99 under --latency 20ms: 42.3 -> 41.7 ms).
 */
const TRIM_CHECK_MS = 2_000;
const TRIM_GROWTH_BYTES = 16 << 20;
const TRIM_EVERY_MS = 30_000;

export type DataPlaneEvent = Extract<Report, { type: 'event' } | { type: 'eventsDropped' }>;

/** A data-plane thread loading its code, not configured yet (DataPlaneThread.spawn). */
export interface SpawnedDataPlane {
  readonly worker: Worker;
  readonly commands: MessagePort;
  readonly signal: Int32Array;
  /** Resolves if the thread fails or ends before it is ready. */
  readonly early: Promise<Error>;
}

/**
 * The main thread's handle on a data plane running in its own thread (entry.ts): commands answered
 * synchronously (stats, policy switches), the drain at close, the thread's events. An exception in
 * the data plane is rethrown here, as it would have been on a shared loop.
 */
export class DataPlaneThread {
  private drainDone: ((drained: boolean) => void) | undefined;
  private readonly exited: Promise<void>;
  private gone = false;

  private constructor(
    private readonly worker: Worker,
    private readonly commands: MessagePort,
    private readonly signal: Int32Array,
    onEvent: (event: DataPlaneEvent) => void,
  ) {
    this.exited = new Promise((resolve) => worker.once('exit', () => resolve()));
    const trimmer = setInterval(trimmerOnGrowth(TRIM_GROWTH_BYTES, TRIM_EVERY_MS), TRIM_CHECK_MS);
    trimmer.unref();
    void this.exited.then(() => {
      this.gone = true;
      clearInterval(trimmer);
      this.drainDone?.(false);
    });
    worker.on('message', (r: Report) => {
      if (r.type === 'event' || r.type === 'eventsDropped') onEvent(r);
      else if (r.type === 'drained') this.drainDone?.(r.drained);
    });
    worker.on('error', (err) => {
      throw err;
    });
  }

  /**
   * Starts a thread and lets it load its code (about 100 ms of module loading) while the caller
   * makes the namespace; `start` then configures it.
   */
  static spawn(): SpawnedDataPlane {
    const { port1, port2 } = new MessageChannel();
    const signal = new Int32Array(new SharedArrayBuffer(4));
    const worker = new Worker(ENTRY, {
      workerData: { commands: port2, signal },
      transferList: [port2],
      resourceLimits: { maxYoungGenerationSizeMb: YOUNG_GENERATION_MB },
    });
    // Until start() listens, a failure to load is kept for it.
    const early = new Promise<Error>((resolve) => {
      worker.once('error', resolve);
      worker.once('exit', () => resolve(new Error('faultnet: the data plane ended before it started')));
    });
    return { worker, commands: port1, signal, early };
  }

  /** Configures a spawned thread; resolves once its data plane reads tun0. */
  static start(
    spawned: SpawnedDataPlane,
    config: DataPlaneConfig,
    onEvent: (event: DataPlaneEvent) => void,
  ): Promise<DataPlaneThread> {
    const { worker, commands, signal, early } = spawned;
    return new Promise((resolve, reject) => {
      let settled = false;
      void early.then((err) => {
        if (!settled) reject(err);
        settled = true;
      });
      const ready = (r: Report) => {
        if (r.type !== 'ready' || settled) return;
        settled = true;
        worker.off('message', ready);
        resolve(new DataPlaneThread(worker, commands, signal, onEvent));
      };
      worker.on('message', ready);
      const notice: Notice = { type: 'configure', config };
      worker.postMessage(notice);
    });
  }

  /** Ends a spawned thread that will not be started (the namespace could not be made). */
  static async cancel(spawned: SpawnedDataPlane): Promise<void> {
    await spawned.worker.terminate();
  }

  /** Sends a command and waits (blocking this thread, not the data plane's) for its reply. */
  call<K extends Command['op']>(command: Extract<Command, { op: K }>): CommandResults[K] {
    if (this.gone) throw new Error('faultnet: the data plane has ended');
    Atomics.store(this.signal, 0, 0);
    this.commands.postMessage(command);
    if (Atomics.wait(this.signal, 0, 0, REPLY_TIMEOUT_MS) === 'timed-out') {
      throw new Error(`faultnet: the data plane did not answer ${command.op} within ${REPLY_TIMEOUT_MS} ms`);
    }
    const reply = receiveMessageOnPort(this.commands)?.message as CommandReply | undefined;
    if (reply === undefined) throw new Error(`faultnet: no reply from the data plane to ${command.op}`);
    if (!reply.ok) throw new Error(reply.message);
    return reply.value as CommandResults[K];
  }

  private notify(notice: Notice): void {
    if (!this.gone) this.worker.postMessage(notice);
  }

  /** Resolves true once nothing the program sent is on its way, false at `withinMs` or endLinger(). */
  drain(withinMs: number): Promise<boolean> {
    if (this.gone) return Promise.resolve(false);
    return new Promise((resolve) => {
      this.drainDone = (drained) => {
        this.drainDone = undefined;
        resolve(drained);
      };
      this.notify({ type: 'drain', withinMs });
    });
  }

  endLinger(): void {
    this.notify({ type: 'endLinger' });
  }

  /** Stops tun0's use and the host uploads: after it the main thread may close tun0. */
  finish(): FinishResult {
    return this.call({ op: 'finish' });
  }

  /** Closes the data plane's sockets and waits for its thread to end. */
  async shutdown(): Promise<void> {
    this.notify({ type: 'shutdown' });
    const grace = setTimeout(() => void this.worker.terminate(), SHUTDOWN_GRACE_MS);
    await this.exited;
    clearTimeout(grace);
    this.commands.close();
  }
}
