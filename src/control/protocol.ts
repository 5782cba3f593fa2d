/**
 * The control socket protocol: newline-delimited JSON over a Unix stream socket of mode 0600, one
 * socket per running network (`faultnet run --control PATH`, else `defaultControlPath(pid)`).
 *
 * A client writes one JSON object per line and reads one JSON object per line back. Replies come
 * in request order. Every reply echoes the request's `id` (a string of at most MAX_ID_LENGTH
 * characters, a safe integer, or null; `null` when the request had none, could not be parsed or
 * had an id of another kind, which is refused) and has `ok`. A failed request changes nothing and gets
 * `{ id, ok: false, error: "one line" }`; the error starts with the offending field where there is
 * one (`names[1]: no policy named "x"`, `policies.slow.uplink.jitter: ...`). Unknown
 * extra fields are ignored. Blank lines are ignored. Malformed JSON, an unknown `op` or a bad field
 * gets an error reply and the connection stays usable; a line longer than MAX_LINE_BYTES gets an
 * error reply and then the server closes that connection. Nothing a client sends stops the network.
 *
 *   request (each also takes `id?`)            ok reply (each also has `id`, `ok: true`)
 *   { op: 'stats' }                            { stats: StatsSnapshot }
 *   { op: 'subscribe', intervalMs: number }    { intervalMs: number }  (clamped to 50..2^31-1 ms), then
 *                                              at once and every intervalMs: { event: 'stats', stats }
 *                                              with the subscribe request's id, until `unsubscribe`,
 *                                              another `subscribe` (which replaces it) or disconnect;
 *                                              a client too slow to read skips snapshots; if taking
 *                                              one fails, { ok: false, error } with that id ends it
 *   { op: 'unsubscribe' }                      {}
 *   { op: 'policies' }                         { registered: string[], active: string[],
 *                                                policies: Record<string, Policy> }
 *   { op: 'register', name, policy: object }   { name, policy: Policy, active }  (policy in file form;
 *                                              replaces a policy of that name, live if it is active)
 *   { op: 'unregister', name: string }         { active }  (an active policy is deactivated first)
 *   { op: 'activate', name: string }           { active }  (appended to the active set)
 *   { op: 'deactivate', name: string }         { active }
 *   { op: 'set', names: string[] }             { active }  (exactly these, all of them must exist)
 *   { op: 'clear' }                            { active: [] }
 *   { op: 'pause' } / { op: 'resume' }         { paused: boolean }
 *   { op: 'reset' }                            {}  (counters start again from zero)
 *
 * `active` is always the active set after the request, in activation order. The TypeScript types
 * of all of these follow.
 */

import type { StatsSnapshot } from '../metrics/snapshot.js';
import { describeValue } from '../policy/errors.js';
import type { Policy } from '../policy/types.js';

/** The longest request line the server reads, in bytes without the newline. */
export const MAX_LINE_BYTES = 1024 * 1024;
/** Subscriptions are clamped to this range; the upper bound is what a Node timer can hold. */
export const MIN_INTERVAL_MS = 50;
export const MAX_INTERVAL_MS = 2 ** 31 - 1;

/** The longest string id the server echoes; a longer one, or an id of another type, is refused. */
export const MAX_ID_LENGTH = 64;

/** What the client chose to tag a request with; echoed unchanged. Only short scalars, so that an
 * echoed id can never be large or deep. */
export type RequestId = string | number | null;

function isRequestId(v: unknown): v is RequestId {
  return (
    v === null ||
    (typeof v === 'string' && v.length <= MAX_ID_LENGTH) ||
    (typeof v === 'number' && Number.isSafeInteger(v))
  );
}

export type Request =
  | { op: 'stats' }
  | { op: 'subscribe'; intervalMs: number }
  | { op: 'unsubscribe' }
  | { op: 'policies' }
  | { op: 'register'; name: string; policy: unknown }
  | { op: 'unregister'; name: string }
  | { op: 'activate'; name: string }
  | { op: 'deactivate'; name: string }
  | { op: 'set'; names: string[] }
  | { op: 'clear' }
  | { op: 'pause' }
  | { op: 'resume' }
  | { op: 'reset' };

export type Op = Request['op'];

export interface OkReply {
  id: RequestId;
  ok: true;
}

export interface ErrorReply {
  id: RequestId;
  ok: false;
  error: string;
}

export interface StatsReply extends OkReply {
  stats: StatsSnapshot;
}

export interface SubscribeReply extends OkReply {
  intervalMs: number;
}

/** Sent for a subscription, carrying the id of its `subscribe` request. */
export interface StatsEvent extends OkReply {
  event: 'stats';
  stats: StatsSnapshot;
}

export interface PoliciesReply extends OkReply {
  /** Sorted. */
  registered: string[];
  /** In activation order. */
  active: string[];
  policies: Record<string, Policy>;
}

/** The reply of unregister, activate, deactivate, set and clear. */
export interface ActiveReply extends OkReply {
  active: string[];
}

export interface RegisterReply extends ActiveReply {
  name: string;
  /** The policy as validated and normalised. */
  policy: Policy;
}

/** The reply of pause and resume. */
export interface PausedReply extends OkReply {
  paused: boolean;
}

/** The reply of unsubscribe and reset. */
export type EmptyReply = OkReply;

export type Reply =
  | ErrorReply
  | StatsReply
  | SubscribeReply
  | StatsEvent
  | PoliciesReply
  | ActiveReply
  | RegisterReply
  | PausedReply
  | EmptyReply;

/** A request the server refuses; `id` is what the reply echoes. */
export class RequestError extends Error {
  override readonly name = 'RequestError';
  constructor(
    message: string,
    readonly id: RequestId = null,
  ) {
    super(message);
  }
}

const OPS: readonly Op[] = [
  'stats',
  'subscribe',
  'unsubscribe',
  'policies',
  'register',
  'unregister',
  'activate',
  'deactivate',
  'set',
  'clear',
  'pause',
  'resume',
  'reset',
];

/** The first line of an error's message, which is all a reply carries. */
export function errorLine(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  return text.split('\n')[0]!;
}

/** Parses and checks one request line; throws a RequestError naming the bad field. */
export function parseRequest(line: string): { id: RequestId; request: Request } {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (err) {
    throw new RequestError(`invalid JSON: ${errorLine(err)}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new RequestError(`request: expected a JSON object, got ${describeValue(value)}`);
  }
  const o = value as Record<string, unknown>;
  const rawId = o.id ?? null;
  if (!isRequestId(rawId)) {
    throw new RequestError(
      `id: expected a string of at most ${MAX_ID_LENGTH} characters or a safe integer, got ${describeValue(rawId)}`,
    );
  }
  const id = rawId;
  const fail = (field: string, detail: string): never => {
    throw new RequestError(`${field}: ${detail}`, id);
  };
  const field = <T>(name: string, check: (v: unknown) => v is T, what: string): T => {
    const v = o[name];
    if (v === undefined) fail(name, `required by ${String(o.op)}`);
    if (!check(v)) fail(name, `expected ${what}, got ${describeValue(v)}`);
    return v as T;
  };
  const op = o.op;
  if (op === undefined) fail('op', 'required');
  if (typeof op !== 'string') fail('op', `expected a string, got ${describeValue(op)}`);
  if (!(OPS as readonly unknown[]).includes(op)) {
    fail('op', `unknown operation ${describeValue(op)} (expected one of ${OPS.join(', ')})`);
  }
  const request = ((): Request => {
    switch (op as Op) {
      case 'subscribe': {
        const interval = field('intervalMs', isNumber, 'a number of milliseconds');
        return {
          op: 'subscribe',
          intervalMs: Math.min(MAX_INTERVAL_MS, Math.max(MIN_INTERVAL_MS, interval)),
        };
      }
      case 'register':
        return {
          op: 'register',
          name: field('name', isName, 'a policy name'),
          policy: field('policy', isObject, 'a policy object'),
        };
      case 'unregister':
      case 'activate':
      case 'deactivate':
        return {
          op: op as 'unregister' | 'activate' | 'deactivate',
          name: field('name', isName, 'a policy name'),
        };
      case 'set': {
        const names = field('names', Array.isArray, 'an array of policy names') as unknown[];
        names.forEach((n, i) => {
          if (!isName(n)) fail(`names[${i}]`, `expected a policy name, got ${describeValue(n)}`);
        });
        return { op: 'set', names: names as string[] };
      }
      default:
        return { op } as Request;
    }
  })();
  return { id, request };
}

const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isName = (v: unknown): v is string => typeof v === 'string' && v !== '';
const isObject = (v: unknown): v is object => typeof v === 'object' && v !== null && !Array.isArray(v);
