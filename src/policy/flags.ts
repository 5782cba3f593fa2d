import { PolicyError } from './errors.js';
import { validatePolicy } from './schema.js';
import type { Policy } from './types.js';

/**
 * Builds a policy from CLI flags (`--latency 50ms --uplink-loss 5% --target tcp://...`), reporting
 * errors against the flag (`--loss: expected a probability ...`). The lead's yargs wiring passes the
 * parsed flags keyed by their kebab-case names.
 */

const PACKET_FLAGS: Readonly<Record<string, string>> = {
  latency: 'latency',
  jitter: 'jitter',
  loss: 'packet_loss',
  'burst-loss': 'burst_loss',
  reorder: 'packet_reorder',
  duplicate: 'packet_duplicate',
  rate: 'rate',
};
const DNS_FLAGS: Readonly<Record<string, string>> = {
  'dns-delay': 'delay',
  'dns-timeout': 'timeout',
  'dns-nxdomain': 'nxdomain',
  'dns-servfail': 'servfail',
};

/** Every flag `policyFromFlags` reads. */
export const POLICY_FLAGS: readonly string[] = [
  ...Object.keys(PACKET_FLAGS).flatMap((f) => [f, `uplink-${f}`, `downlink-${f}`]),
  ...Object.keys(DNS_FLAGS),
  'target',
  'seed',
];

function last(value: unknown): unknown {
  return Array.isArray(value) ? value[value.length - 1] : value;
}

/** The policy the flags describe, or null when no policy flag was given. */
export function policyFromFlags(flags: Readonly<Record<string, unknown>>, name = 'cli'): Policy | null {
  const input: Record<string, unknown> = {};
  const flagOfPath = new Map<string, string>();
  const put = (object: Record<string, unknown>, path: string, key: string, flag: string) => {
    if (flags[flag] === undefined) return;
    object[key] = last(flags[flag]);
    flagOfPath.set(path === '' ? key : `${path}.${key}`, `--${flag}`);
  };
  for (const [flag, field] of Object.entries(PACKET_FLAGS)) {
    put(input, '', field, flag);
    for (const direction of ['uplink', 'downlink']) {
      const object = (input[direction] ?? {}) as Record<string, unknown>;
      put(object, direction, field, `${direction}-${flag}`);
      if (Object.keys(object).length > 0) input[direction] = object;
    }
  }
  const dns: Record<string, unknown> = {};
  for (const [flag, field] of Object.entries(DNS_FLAGS)) put(dns, 'dns', field, flag);
  if (Object.keys(dns).length > 0) input.dns = dns;
  put(input, '', 'seed', 'seed');
  if (flags.target !== undefined) {
    input.targets = Array.isArray(flags.target) ? flags.target : [flags.target];
    flagOfPath.set('targets', '--target');
  }
  if (Object.keys(input).length === 0) return null;
  try {
    return validatePolicy(input, name, '');
  } catch (err) {
    if (!(err instanceof PolicyError)) throw err;
    const flag = flagOfPath.get(err.path) ?? flagOfPath.get(err.path.replace(/\[\d+\].*$/, ''));
    throw flag === undefined ? err : new PolicyError(flag, err.detail);
  }
}
