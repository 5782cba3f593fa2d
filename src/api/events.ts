/** What an event of the run record is about. */
export const RUN_EVENT_KINDS = [
  'start',
  'policy',
  'scope',
  'exec',
  'flow-refused',
  'flow-unreachable',
  'close',
  'error',
  'exit',
] as const;
export type RunEventKind = (typeof RUN_EVENT_KINDS)[number];

export interface RunEvent {
  /** Milliseconds since the network started. */
  atMs: number;
  kind: RunEventKind;
  /** One line for people. */
  message: string;
  /** The active policies after a `policy` or `scope` event, in activation order. */
  policies?: string[];
  /** The flow's destination for `flow-*` events: `tcp://10.0.2.2:8080`. */
  target?: string;
  /** The exit code for `exec` and `exit` events (128+N for signal N). */
  code?: number;
}

/** Event log bound: the most recent events tell the end of a run, which is what a failure needs. */
export const MAX_EVENTS = 1000;

/**
 * The network's event log for the run record: bounded, so a program that opens a million refused
 * connections costs at most MAX_EVENTS entries; the oldest ones beyond the bound are dropped and
 * counted.
 */
export class EventLog {
  private readonly events: RunEvent[] = [];
  dropped = 0;

  constructor(
    private readonly startedAt: number,
    private readonly limit = MAX_EVENTS,
  ) {}

  add(
    kind: RunEventKind,
    message: string,
    extra: Partial<Omit<RunEvent, 'atMs' | 'kind' | 'message'>> = {},
  ): void {
    if (this.events.length >= this.limit) {
      this.events.shift();
      this.dropped++;
    }
    this.events.push({ atMs: performance.now() - this.startedAt, kind, message, ...extra });
  }

  /** Events that never reached the log (the data plane sheds a flood of them). */
  countDropped(n: number): void {
    this.dropped += n;
  }

  list(): RunEvent[] {
    return this.events.map((e) => ({ ...e }));
  }
}
