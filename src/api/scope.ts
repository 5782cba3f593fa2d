import { validatePolicy } from '../policy/schema.js';
import { currentNetwork } from './open-networks.js';

/** A policy object as in a policy file (`{ latency: '50ms', packet_loss: '1%' }`). */
export type PolicyInput = Record<string, unknown>;

/** A registered policy's name, or a policy written inline. */
export type PolicyRef = string | PolicyInput;

/** DNS faults of a `dns()` scope: each a probability (`"100%"`, `0.5`), `delay` a duration. */
export interface DnsFaultOptions {
  delay?: string | number | { duration: string | number; prob?: string | number };
  timeout?: string | number;
  nxdomain?: string | number;
  servfail?: string | number;
}

// biome-ignore lint/suspicious/noExplicitAny: a wrapper keeps whatever signature it wraps.
type AnyFunction = (this: any, ...args: any[]) => any;

/**
 * A scope that is both a TC39 method decorator (`@dns({ nxdomain: 1 })`) and a function wrapper
 * (`dns({ nxdomain: 1 })(fn)`): the wrapped function runs with the scope's policy active.
 */
export interface PolicyScope {
  <F extends AnyFunction>(fn: F): F;
  <F extends AnyFunction>(method: F, context: ClassMethodDecoratorContext): F;
}

/** Makes a PolicyScope from the function that runs a callback inside the scope. */
export function policyScope(within: <T>(fn: () => T) => T): PolicyScope {
  return (<F extends AnyFunction>(fn: F, context?: ClassMethodDecoratorContext): F => {
    if (context !== undefined && context.kind !== 'method') {
      throw new TypeError(`faultnet: a policy scope decorates methods, not a ${context.kind}`);
    }
    return function (this: unknown, ...args: unknown[]) {
      return within(() => fn.apply(this, args));
    } as F;
  }) as PolicyScope;
}

/** The policy a `dns()` scope activates; validated at once, so a bad value fails where it is written. */
export function dnsPolicy(faults: DnsFaultOptions): PolicyInput {
  const input = { dns: faults };
  validatePolicy(input, 'dns', '');
  return input;
}

/**
 * Runs fn with a policy active on the current network (the network whose scope this runs in, else
 * the process's only open network); see Network.withPolicy.
 */
export function withPolicy<T>(policy: PolicyRef, fn: () => T): T {
  return currentNetwork().withPolicy(policy, fn);
}

/** DNS faults for the duration of a call, on the current network: decorator or wrapper. */
export function dns(faults: DnsFaultOptions): PolicyScope {
  const policy = dnsPolicy(faults);
  return policyScope((fn) => withPolicy(policy, fn));
}
