import type { ChildProcess } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { constants } from 'node:os';
import { Namespace } from '../../netns/namespace.js';
import type { ControlTarget } from '../control/operations.js';
import { ControlServer } from '../control/server.js';
import { ADDRESSES } from '../dataplane/addresses.js';
import { DataPlaneThread } from '../dataplane/thread.js';
import type { StatsSnapshot } from '../metrics/snapshot.js';
import { defaultRegistry, PolicyRegistry } from '../policy/registry.js';
import { validatePolicy } from '../policy/schema.js';
import type { Policy } from '../policy/types.js';
import { compileActive, lookUp, storeStartPolicies } from './activation.js';
import { EventLog } from './events.js';
import {
  collect,
  type ExecOptions,
  type ExecResult,
  type NamespaceSpawnOptions,
  spawnInNamespace,
} from './exec.js';
import { type NetworkOptions, type ProgramSpec, resolveOptions } from './network-options.js';
import { runWithNetwork, type ScopeTarget, trackNetwork, untrackNetwork } from './open-networks.js';
import { checkOptionShape, DEFAULT_LINGER_MS, OptionError, parseLinger } from './options.js';
import { writeOutputFile } from './output-file.js';
import type { PolicySource, RunRecord } from './run-record.js';
import { type DnsFaultOptions, dnsPolicy, type PolicyRef, type PolicyScope, policyScope } from './scope.js';

const VERSION = (
  JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

const HOLD_PROGRAM: ProgramSpec = {
  command: 'sleep',
  args: ['infinity'],
  stdio: ['ignore', 'ignore', 'ignore'],
};

export interface CloseOptions {
  /** Write the run record to this file (as `runJson` of the start options does). */
  runJson?: string;
  /** Overrides the start options' `linger` for this close. */
  linger?: string | number;
}

interface Scope {
  readonly policy: Policy;
}

/**
 * One faultnet network: a namespace whose tun0 is served by the router, DNS handler and egress.
 * Everything it owns goes away in close(), which is idempotent. Networks are independent: each has
 * its own namespace, router, registry and active policies.
 */
export class Network implements ControlTarget, ScopeTarget {
  private closing: Promise<void> | undefined;
  private lingerMs = DEFAULT_LINGER_MS;

  private active: string[] = [];
  /** The fallback seed of the rule set in force: a switch keeps it unless the options fixed one. */
  private seedInForce = 0;
  private readonly scopes: Scope[] = [];
  private control: ControlServer | undefined;
  private readonly startedAt = performance.now();
  private readonly startedAtTime = new Date();
  private readonly events = new EventLog(this.startedAt);
  private readonly sources = new Map<string, PolicySource>();
  private inlineCount = 0;
  private command: string[] | null = null;
  private runJson: string | undefined;

  private constructor(
    readonly namespace: Namespace,
    private readonly plane: DataPlaneThread,
    readonly registry: PolicyRegistry,
    private readonly fallbackSeed: number | undefined,
  ) {}

  /** Resolves when the program (or holder) exits: its code, or 128+N for signal N. */
  get exited(): Promise<{ code: number }> {
    return this.namespace.exited;
  }

  /** The control socket's path, when it serves one. */
  get controlPath(): string | undefined {
    return this.control?.path;
  }

  get pid(): number {
    return this.namespace.pid;
  }

  /**
   * Starts a network. Every option is checked first: a bad one throws an OptionError or PolicyError
   * whose message starts with the field's path (`options.policies.slow.latency: ...`), before any
   * namespace exists. `flag` names fields in errors (the CLI passes `--flag` names).
   */
  static async start(
    opts: NetworkOptions = {},
    flag: (name: string) => string = (n) => `options.${n}`,
  ): Promise<Network> {
    checkOptionShape(opts, flag);
    const o = resolveOptions(opts, flag);
    const registry = opts.registry ?? new PolicyRegistry();
    const sources = new Map<string, PolicySource>(Object.entries(opts.policySources ?? {}));
    const startNames = storeStartPolicies(opts.policies, registry, sources, flag('policies'));
    const initial = compileActive(
      registry,
      [...startNames, ...(opts.activePolicies ?? [])],
      [],
      opts.seed,
      flag('activePolicies'),
    );
    const program = opts.program ?? HOLD_PROGRAM;
    const env = opts.control
      ? { ...(program.env ?? process.env), FAULTNET_CONTROL: opts.control }
      : program.env;
    // The data plane loads its code while the namespace is made.
    const spawned = DataPlaneThread.spawn();
    let namespace: Namespace;
    try {
      namespace = await Namespace.launch({
        command: program.command,
        args: program.args,
        stdio: program.stdio,
        env,
        cwd: program.cwd,
        link: { ...ADDRESSES, mtu: o.mtu, resolvConf: `nameserver ${ADDRESSES.dns4}\n` },
      });
    } catch (err) {
      await DataPlaneThread.cancel(spawned);
      throw err;
    }
    let net: Network | undefined;
    let plane: DataPlaneThread;
    try {
      const { lingerMs: _, ...settings } = o;
      plane = await DataPlaneThread.start(
        spawned,
        {
          ...settings,
          tunFd: namespace.tunFd,
          namespacePid: namespace.pid,
          policies: [...initial.ruleSet.policies],
          fallbackSeed: initial.ruleSet.fallbackSeed,
        },
        (e) => {
          if (e.type === 'eventsDropped') net?.events.countDropped(e.count);
          else net?.events.add(e.kind, e.message, e.target === undefined ? {} : { target: e.target });
        },
      );
    } catch (err) {
      await DataPlaneThread.cancel(spawned);
      await namespace.kill();
      throw err;
    }
    net = new Network(namespace, plane, registry, opts.seed);
    net.active = initial.names;
    net.seedInForce = initial.ruleSet.fallbackSeed;
    for (const [name, source] of sources) net.sources.set(name, source);
    net.command = opts.program ? [opts.program.command, ...opts.program.args] : null;
    net.runJson = opts.runJson;
    net.lingerMs = o.lingerMs;
    net.events.add('start', `network started (mtu ${o.mtu})`, { policies: [...initial.ruleSet.policyNames] });
    trackNetwork(net);
    if (opts.control) {
      try {
        net.control = await ControlServer.listen(opts.control, net);
      } catch (err) {
        await net.close();
        throw new OptionError(
          `${flag('control')}: cannot serve the control socket: ${(err as Error).message}`,
        );
      }
    }
    namespace.go();
    const started = net;
    void namespace.exited.then(({ code }) =>
      started.events.add('exit', `program exited with code ${code}`, { code }),
    );
    return net;
  }

  /** Names of the active policies, in activation order (without the scopes of withPolicy). */
  activePolicies(): string[] {
    return [...this.active];
  }

  /** Makes exactly these registered policies active, atomically; an unknown name changes nothing. */
  setActivePolicies(names: readonly string[]): void {
    this.apply(names, 'policies', 'policy');
  }

  /**
   * Makes exactly these policies active, atomically: registered names (`registerPolicy`, looked up
   * when called) or inline policy objects. A bad one throws and changes nothing.
   */
  setPolicy(...policies: PolicyRef[]): void {
    const resolved = policies.map((ref, i) =>
      this.resolveRef(ref, `setPolicy[${i}]`, `inline-${this.inlineCount + i}`),
    );
    this.inlineCount += policies.length;
    for (const { policy, source } of resolved) {
      this.registry.store(policy);
      this.sources.set(policy.name, { source });
    }
    this.setActivePolicies(resolved.map((r) => r.policy.name));
  }

  /** No policy active (open withPolicy scopes stay in force until they end). */
  clearPolicy(): void {
    this.setActivePolicies([]);
  }

  /**
   * Runs fn with a policy in force, ending the scope when fn returns, throws, or its promise settles.
   * The scope is layered on the active policies: the fields it sets win, the rest stay (see
   * policy-overlay.ts); nested scopes merge with the inner one winning. Inside fn, this network is
   * the current one of the module-level `withPolicy` and `dns`.
   */
  withPolicy<T>(policy: PolicyRef, fn: () => T): T {
    const scope: Scope = { policy: this.resolveRef(policy, 'withPolicy', 'scope').policy };
    this.scopes.push(scope);
    try {
      this.apply(this.active, 'withPolicy', 'scope');
    } catch (err) {
      this.scopes.splice(this.scopes.indexOf(scope), 1);
      throw err;
    }
    const end = () => {
      this.scopes.splice(this.scopes.indexOf(scope), 1);
      if (this.closing === undefined) this.apply(this.active, 'withPolicy', 'scope');
    };
    let result: T;
    try {
      result = runWithNetwork(this, fn);
    } catch (err) {
      end();
      throw err;
    }
    if (result instanceof Promise) {
      return result.then(
        (value) => {
          end();
          return value;
        },
        (err: unknown) => {
          end();
          throw err;
        },
      ) as T;
    }
    end();
    return result;
  }

  /** DNS faults for the duration of a call on this network: a method decorator or a function wrapper. */
  dnsFaults(faults: DnsFaultOptions): PolicyScope {
    const policy = dnsPolicy(faults);
    return policyScope((fn) => this.withPolicy(policy, fn));
  }

  private resolveRef(
    ref: PolicyRef,
    field: string,
    inlineName: string,
  ): { policy: Policy; source: PolicySource['source'] } {
    if (typeof ref !== 'string') return { policy: validatePolicy(ref, inlineName, field), source: 'inline' };
    const global = defaultRegistry.peek(ref);
    if (global) return { policy: global, source: 'registry' };
    return {
      policy: lookUp(this.registry, [ref], field)[0]!,
      source: this.sources.get(ref)?.source ?? 'registry',
    };
  }

  private apply(names: readonly string[], field: string, kind: 'policy' | 'scope'): void {
    const next = compileActive(
      this.registry,
      names,
      this.scopes.map((s) => s.policy),
      this.fallbackSeed ?? this.seedInForce,
      field,
    );
    this.plane.call({
      op: 'setPolicies',
      policies: [...next.ruleSet.policies],
      fallbackSeed: next.ruleSet.fallbackSeed,
    });
    this.active = next.names;
    this.seedInForce = next.ruleSet.fallbackSeed;
    const inForce = [...next.ruleSet.policyNames];
    this.events.add(kind, `policies in force: ${inForce.join(', ') || 'none'}`, { policies: inForce });
  }

  setPaused(paused: boolean): void {
    this.plane.call({ op: 'setPaused', paused });
  }

  resetCounters(): void {
    this.plane.call({ op: 'resetCounters' });
  }

  /** A snapshot of the data plane's counters, taken now (the call waits for its thread's answer). */
  stats(): StatsSnapshot {
    return this.plane.call({
      op: 'stats',
      view: { uptimeMs: performance.now() - this.startedAt, policies: this.activePolicies() },
    });
  }

  /** Forwards a signal to the program. */
  signal(signal: NodeJS.Signals): void {
    this.namespace.signal(signal);
  }

  /** The host PID of the namespace's init, once the launcher has forked it. */
  /**
   * Starts a program inside the namespace (its network, mount and PID namespaces). Any signal that
   * ends the returned process reaches the program as SIGTERM; close() ends whatever is left.
   */
  async spawn(
    command: string,
    args: readonly string[] = [],
    opts: NamespaceSpawnOptions = {},
  ): Promise<ChildProcess> {
    if (this.closing !== undefined) throw new Error('faultnet: the network is closed');
    const child = spawnInNamespace(await this.namespace.initPid, command, args, opts);
    const line = [command, ...args].join(' ');
    child.once('exit', (code, signal) =>
      this.events.add('exec', `${line} exited with ${signal ?? code}`, {
        code: code ?? 128 + (signal ? (constants.signals[signal] ?? 0) : 0),
      }),
    );
    return child;
  }

  /** Runs a program inside the namespace to completion: its exit code or signal and its output. */
  async exec(command: string, args: readonly string[] = [], opts: ExecOptions = {}): Promise<ExecResult> {
    const { input, timeoutMs, ...spawnOpts } = opts;
    const child = await this.spawn(command, args, { ...spawnOpts, stdio: ['pipe', 'pipe', 'pipe'] });
    return collect(child, { input, timeoutMs });
  }

  /** The run record of this network so far (docs/RUN_RECORD.md). */
  runRecord(exitCode: number | null = null): RunRecord {
    const stats = this.stats();
    const ended = new Date();
    const active = new Set(this.active);
    return {
      format: 'faultnet-run',
      version: 1,
      faultnetVersion: VERSION,
      command: this.command,
      exitCode,
      startedAt: this.startedAtTime.toISOString(),
      endedAt: ended.toISOString(),
      durationMs: ended.getTime() - this.startedAtTime.getTime(),
      seed: stats.seed,
      policies: this.registry.list().map((name) => ({
        name,
        ...(this.sources.get(name) ?? { source: 'control' }),
        active: active.has(name),
        policy: this.registry.peek(name)!,
      })),
      stats,
      delay: { uplink: stats.uplink.addedDelay, downlink: stats.downlink.addedDelay },
      dns: stats.dns,
      events: this.events.list(),
      eventsDropped: this.events.dropped,
    };
  }

  /**
   * Ends the network: the namespace and everything in it, the TUN, sockets and the control socket.
   * Idempotent. With `runJson` (here or in the start options) it writes the run record first.
   */
  close(opts: CloseOptions = {}): Promise<void> {
    const runJson = opts.runJson ?? this.runJson;
    const lingerMs = opts.linger === undefined ? this.lingerMs : parseLinger(opts.linger, 'close.linger');
    this.closing ??= (async () => {
      const exit = await Promise.race([this.namespace.exited, Promise.resolve(null)]);
      // The program goes first; tun0 stays while its sockets' data and held packets drain.
      await this.namespace.stop();
      const started = performance.now();
      const drained = await this.plane.drain(lingerMs);
      untrackNetwork(this);
      const { held, reset, eventsDropped } = this.plane.finish();
      this.events.countDropped(eventsDropped);
      this.namespace.closeTun();
      const waited = Math.round(performance.now() - started);
      if (drained) {
        this.events.add('close', `drained in ${waited} ms`);
      } else {
        this.events.add(
          'close',
          `linger ran out after ${waited} ms: ${reset} host connections reset, ${held} held packets discarded`,
        );
      }
      const record =
        runJson === undefined ? undefined : this.runRecord(this.command ? (exit?.code ?? null) : null);
      await this.control?.close();
      await this.plane.shutdown();
      if (record !== undefined) writeOutputFile(runJson!, `${JSON.stringify(record, null, 2)}\n`);
    })();
    return this.closing;
  }

  /** Ends a close() that is lingering now, as if its linger had run out. */
  endLinger(): void {
    this.plane.endLinger();
  }

  /** Ends the namespace synchronously (process exit): no run record, no waiting. */
  closeNow(): void {
    if (this.closing !== undefined) return;
    this.closing = Promise.resolve();
    untrackNetwork(this);
    this.namespace.signal('SIGKILL');
    if (this.control) rmSync(this.control.path, { force: true });
  }
}
