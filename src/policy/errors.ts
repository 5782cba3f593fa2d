/**
 * Every rejected policy value, flag or file is a PolicyError whose message starts with the path of
 * the offending field (`policies.slow.uplink.jitter: ...`, `--loss: ...`), so a CLI can print it as
 * the one-line error and a control-socket client can show which field to fix.
 */
export class PolicyError extends Error {
  override readonly name = 'PolicyError';
  constructor(
    readonly path: string,
    readonly detail: string,
  ) {
    super(path === '' ? detail : `${path}: ${detail}`);
  }
}

/** The path of a member: `childPath('policies.slow', 'uplink')` is `policies.slow.uplink`. */
export function childPath(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  return path === '' ? key : `${path}.${key}`;
}

/** How a rejected value is quoted in an error: strings in double quotes, the rest as JSON. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  let text: string;
  try {
    text = JSON.stringify(value);
  } catch {
    // Too deep or cyclic: name the kind rather than recurse into it again.
    return Array.isArray(value) ? 'an array' : typeof value;
  }
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** `expected <what>, got <value>` at a path. */
export function expected(path: string, what: string, value: unknown): PolicyError {
  return new PolicyError(path, `expected ${what}, got ${describeValue(value)}`);
}
