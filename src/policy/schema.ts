import { childPath, expected, PolicyError } from './errors.js';
import { deepFreeze, readObject } from './fields.js';
import { parseTargets } from './targets.js';
import type {
  DirectionFaults,
  Distribution,
  DnsFaults,
  Duplicate,
  GilbertElliott,
  Policy,
  Rate,
  Reorder,
} from './types.js';
import { parseDuration, parseInteger, parseProbability, parseRate, parseSize } from './values.js';

/** netem's default queue limit. */
export const DEFAULT_RATE_LIMIT_PACKETS = 1000;
export const DEFAULT_REORDER_WINDOW = 1;
export const DEFAULT_REORDER_MAX_DELAY_MS = 10;
export const DEFAULT_DUPLICATE_MAX_EXTRA = 1;
const MAX_SEED = 0xffffffff;
const POLICY_NAME_RE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export const PACKET_FIELDS = [
  'latency',
  'jitter',
  'distribution',
  'jitter_reorder',
  'correlation',
  'packet_loss',
  'burst_loss',
  'correlated_loss',
  'packet_reorder',
  'packet_duplicate',
  'rate',
] as const;
const POLICY_FIELDS = [...PACKET_FIELDS, 'uplink', 'downlink', 'dns', 'targets', 'seed', 'description'];
const DISTRIBUTIONS: readonly Distribution[] = ['uniform', 'normal', 'pareto', 'paretonormal'];

export const NO_FAULTS: DirectionFaults = deepFreeze({
  latencyMs: 0,
  jitterMs: 0,
  distribution: 'uniform',
  jitterReorders: false,
  correlation: 0,
  packetLoss: 0,
  burstLoss: 1,
  correlatedLoss: null,
  reorder: null,
  duplicate: null,
  rate: null,
});

/** Whether a direction has any fault that can touch a packet. */
export function hasFaults(d: DirectionFaults): boolean {
  return (
    d.latencyMs > 0 ||
    d.jitterMs > 0 ||
    d.packetLoss > 0 ||
    d.correlatedLoss !== null ||
    d.reorder !== null ||
    d.duplicate !== null ||
    d.rate !== null
  );
}

function parseDistribution(value: unknown, path: string): Distribution {
  const text = typeof value === 'string' ? value.replace(/\s+/g, '').toLowerCase() : value;
  if (!DISTRIBUTIONS.includes(text as Distribution)) {
    throw expected(path, 'one of uniform, normal, pareto, paretonormal', value);
  }
  return text as Distribution;
}

function parseGilbertElliott(value: unknown, path: string): GilbertElliott {
  const o = readObject(value, path, ['p_good_to_bad', 'p_bad_to_good', 'loss_good', 'loss_bad']);
  if (o.p_good_to_bad === undefined) throw new PolicyError(childPath(path, 'p_good_to_bad'), 'is required');
  const pGoodToBad = parseProbability(o.p_good_to_bad, childPath(path, 'p_good_to_bad'));
  const optional = (key: string, fallback: number) =>
    o[key] === undefined ? fallback : parseProbability(o[key], childPath(path, key));
  return {
    pGoodToBad,
    pBadToGood: optional('p_bad_to_good', 1 - pGoodToBad),
    lossGood: optional('loss_good', 0),
    lossBad: optional('loss_bad', 1),
  };
}

function parseReorder(value: unknown, path: string): Reorder {
  if (typeof value !== 'object' || value === null) {
    return {
      prob: parseProbability(value, path),
      window: DEFAULT_REORDER_WINDOW,
      maxDelayMs: DEFAULT_REORDER_MAX_DELAY_MS,
    };
  }
  const o = readObject(value, path, ['prob', 'window', 'max_delay']);
  if (o.prob === undefined) throw new PolicyError(childPath(path, 'prob'), 'is required');
  return {
    prob: parseProbability(o.prob, childPath(path, 'prob')),
    window:
      o.window === undefined
        ? DEFAULT_REORDER_WINDOW
        : parseInteger(o.window, childPath(path, 'window'), 1, 65535),
    maxDelayMs:
      o.max_delay === undefined
        ? DEFAULT_REORDER_MAX_DELAY_MS
        : parseDuration(o.max_delay, childPath(path, 'max_delay')),
  };
}

function parseDuplicate(value: unknown, path: string): Duplicate {
  if (typeof value !== 'object' || value === null) {
    return { prob: parseProbability(value, path), maxExtra: DEFAULT_DUPLICATE_MAX_EXTRA };
  }
  const o = readObject(value, path, ['prob', 'max_extra']);
  if (o.prob === undefined) throw new PolicyError(childPath(path, 'prob'), 'is required');
  return {
    prob: parseProbability(o.prob, childPath(path, 'prob')),
    maxExtra:
      o.max_extra === undefined
        ? DEFAULT_DUPLICATE_MAX_EXTRA
        : parseInteger(o.max_extra, childPath(path, 'max_extra'), 1, 100),
  };
}

function parseRateField(value: unknown, path: string): Rate {
  if (typeof value !== 'object' || value === null) {
    return { bitsPerSecond: parseRate(value, path), limit: DEFAULT_RATE_LIMIT_PACKETS, limitUnit: 'packets' };
  }
  const o = readObject(value, path, ['rate', 'limit']);
  if (o.rate === undefined) throw new PolicyError(childPath(path, 'rate'), 'is required');
  const bitsPerSecond = parseRate(o.rate, childPath(path, 'rate'));
  if (o.limit === undefined)
    return { bitsPerSecond, limit: DEFAULT_RATE_LIMIT_PACKETS, limitUnit: 'packets' };
  if (typeof o.limit === 'number') {
    return {
      bitsPerSecond,
      limit: parseInteger(o.limit, childPath(path, 'limit'), 1, 1e9),
      limitUnit: 'packets',
    };
  }
  return { bitsPerSecond, limit: parseSize(o.limit, childPath(path, 'limit')), limitUnit: 'bytes' };
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** The packet fields present in `o` (a policy or an uplink/downlink object), in canonical units. */
function parsePacketFields(o: Record<string, unknown>, path: string): Partial<DirectionFaults> {
  const out: Partial<Mutable<DirectionFaults>> = {};
  const at = (key: string) => childPath(path, key);
  if (o.latency !== undefined) out.latencyMs = parseDuration(o.latency, at('latency'));
  if (o.jitter !== undefined) out.jitterMs = parseDuration(o.jitter, at('jitter'));
  if (o.distribution !== undefined) out.distribution = parseDistribution(o.distribution, at('distribution'));
  if (o.jitter_reorder !== undefined) {
    if (typeof o.jitter_reorder !== 'boolean')
      throw expected(at('jitter_reorder'), 'true or false', o.jitter_reorder);
    out.jitterReorders = o.jitter_reorder;
  }
  if (o.correlation !== undefined) out.correlation = parseProbability(o.correlation, at('correlation'));
  if (o.packet_loss !== undefined) out.packetLoss = parseProbability(o.packet_loss, at('packet_loss'));
  if (o.burst_loss !== undefined) out.burstLoss = parseInteger(o.burst_loss, at('burst_loss'), 1, 65535);
  if (o.correlated_loss !== undefined) {
    out.correlatedLoss = parseGilbertElliott(o.correlated_loss, at('correlated_loss'));
  }
  if (o.packet_reorder !== undefined) out.reorder = parseReorder(o.packet_reorder, at('packet_reorder'));
  if (o.packet_duplicate !== undefined)
    out.duplicate = parseDuplicate(o.packet_duplicate, at('packet_duplicate'));
  if (o.rate !== undefined) out.rate = parseRateField(o.rate, at('rate'));
  return out;
}

function parseDirection(value: unknown, path: string, base: Partial<DirectionFaults>): DirectionFaults {
  const own = value === undefined ? {} : parsePacketFields(readObject(value, path, PACKET_FIELDS), path);
  return { ...NO_FAULTS, ...base, ...own };
}

function parseDns(value: unknown, path: string): DnsFaults {
  const o = readObject(value, path, ['delay', 'timeout', 'nxdomain', 'servfail']);
  const probability = (key: string) =>
    o[key] === undefined ? 0 : parseProbability(o[key], childPath(path, key));
  let delayMs = 0;
  let delayProb = 0;
  const delayPath = childPath(path, 'delay');
  if (typeof o.delay === 'object' && o.delay !== null) {
    const d = readObject(o.delay, delayPath, ['duration', 'prob']);
    if (d.duration === undefined) throw new PolicyError(childPath(delayPath, 'duration'), 'is required');
    delayMs = parseDuration(d.duration, childPath(delayPath, 'duration'));
    delayProb = d.prob === undefined ? 1 : parseProbability(d.prob, childPath(delayPath, 'prob'));
  } else if (o.delay !== undefined) {
    delayMs = parseDuration(o.delay, delayPath);
    delayProb = 1;
  }
  return {
    delayMs,
    delayProb,
    timeoutProb: probability('timeout'),
    nxdomainProb: probability('nxdomain'),
    servfailProb: probability('servfail'),
  };
}

/** Checks a policy name; names are what `--policy NAME` and the control socket refer to. */
export function checkPolicyName(name: string, path: string): void {
  if (!POLICY_NAME_RE.test(name)) {
    throw expected(path, 'a policy name of up to 64 letters, digits, ".", "_" or "-"', name);
  }
}

/**
 * Validates one policy and returns it normalised and frozen. `path` is where errors point:
 * `policies.<name>` by default, the way a policy file nests it.
 */
export function validatePolicy(input: unknown, name: string, path = childPath('policies', name)): Policy {
  checkPolicyName(name, path);
  const o = readObject(input, path, POLICY_FIELDS, 'a policy object');
  const top = parsePacketFields(o, path);
  if (o.description !== undefined && typeof o.description !== 'string') {
    throw expected(childPath(path, 'description'), 'a string', o.description);
  }
  const policy: Policy = {
    name,
    description: o.description ?? '',
    seed: o.seed === undefined ? null : parseInteger(o.seed, childPath(path, 'seed'), 0, MAX_SEED),
    uplink: parseDirection(o.uplink, childPath(path, 'uplink'), top),
    downlink: parseDirection(o.downlink, childPath(path, 'downlink'), top),
    dns: o.dns === undefined ? null : parseDns(o.dns, childPath(path, 'dns')),
    targets: o.targets === undefined ? [] : parseTargets(o.targets, childPath(path, 'targets')),
  };
  return deepFreeze(policy);
}
