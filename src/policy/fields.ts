import { childPath, expected, PolicyError } from './errors.js';

/**
 * Reads a plain object whose keys must all be in `allowed`; an unknown key is an error at its own
 * path, so a typo like `jiter` is reported where it is.
 */
export function readObject(
  value: unknown,
  path: string,
  allowed: readonly string[],
  what = 'an object',
): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw expected(path, what, value);
  const object = value as Record<string, unknown>;
  for (const key of Object.keys(object)) {
    if (!allowed.includes(key)) {
      throw new PolicyError(childPath(path, key), `unknown field (expected one of ${allowed.join(', ')})`);
    }
  }
  return object;
}

/** Freezes a value and everything reachable from it. */
export function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const member of Object.values(value)) deepFreeze(member);
  }
  return value;
}
