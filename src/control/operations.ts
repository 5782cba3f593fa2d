import type { StatsSnapshot } from '../metrics/snapshot.js';
import type { PolicyRegistry } from '../policy/registry.js';
import type { Policy } from '../policy/types.js';
import { type Request, RequestError } from './protocol.js';

/** What the control socket drives: one running network. */
export interface ControlTarget {
  stats(): StatsSnapshot;
  readonly registry: PolicyRegistry;
  /** Names of the active policies, in activation order. */
  activePolicies(): string[];
  /** Replaces the active set at once; throws PolicyError for an unknown name and then changes nothing. */
  setActivePolicies(names: readonly string[]): void;
  setPaused(paused: boolean): void;
  resetCounters(): void;
}

/** The ops answered by one reply and no further messages. */
export type OneShotRequest = Exclude<Request, { op: 'subscribe' } | { op: 'unsubscribe' }>;

/**
 * Carries out one request against the target and returns the reply's fields (without id and ok).
 * Every check happens before the first change, so a refused request changes nothing.
 */
export function perform(request: OneShotRequest, target: ControlTarget): Record<string, unknown> {
  const { registry } = target;
  const known = (name: string, field = 'name'): string => {
    if (!registry.has(name)) throw new RequestError(`${field}: no policy named ${JSON.stringify(name)}`);
    return name;
  };
  const activate = (names: readonly string[]): { active: string[] } => {
    target.setActivePolicies(names);
    return { active: target.activePolicies() };
  };
  switch (request.op) {
    case 'stats':
      return { stats: target.stats() };
    case 'policies': {
      const registered = registry.list();
      const policies: Record<string, Policy> = {};
      for (const name of registered) policies[name] = registry.peek(name)!;
      return { registered, active: target.activePolicies(), policies };
    }
    case 'register': {
      const policy = registry.register(request.name, request.policy);
      const active = target.activePolicies();
      // The active rule set was compiled from the replaced policy: rebuild it from the new one.
      if (active.includes(request.name)) target.setActivePolicies(active);
      return { name: request.name, policy, active: target.activePolicies() };
    }
    case 'unregister': {
      const name = known(request.name);
      const active = target.activePolicies();
      if (active.includes(name)) target.setActivePolicies(active.filter((n) => n !== name));
      registry.unregister(name);
      return { active: target.activePolicies() };
    }
    case 'activate': {
      const name = known(request.name);
      const active = target.activePolicies();
      return active.includes(name) ? { active } : activate([...active, name]);
    }
    case 'deactivate': {
      const name = known(request.name);
      return activate(target.activePolicies().filter((n) => n !== name));
    }
    case 'set':
      return activate([...new Set(request.names.map((name, i) => known(name, `names[${i}]`)))]);
    case 'clear':
      return activate([]);
    case 'pause':
    case 'resume':
      target.setPaused(request.op === 'pause');
      return { paused: request.op === 'pause' };
    case 'reset':
      target.resetCounters();
      return {};
  }
}
