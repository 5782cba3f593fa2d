import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import { extname } from 'node:path';
import { parseDocument, visit } from 'yaml';
import { childPath, expected, PolicyError } from './errors.js';
import { validatePolicy } from './schema.js';
import type { Policy } from './types.js';

/**
 * Validates every policy of a root object keyed by policy name (a policy file's root); throws the
 * first error and returns nothing on failure, so callers can apply all or none.
 */
export function validatePolicies(root: unknown, path = 'policies'): Policy[] {
  if (typeof root !== 'object' || root === null || Array.isArray(root)) {
    throw expected(path, 'an object keyed by policy name', root);
  }
  return Object.entries(root).map(([name, input]) => validatePolicy(input, name, childPath(path, name)));
}

/** A policy file is a handful of policies: larger is a mistake (or `/dev/zero`). */
export const MAX_POLICY_FILE_BYTES = 1024 * 1024;
/** Policies nest a few levels (policy, direction, field, object); deeper input is refused before it is parsed. */
export const MAX_POLICY_DEPTH = 32;

/** The deepest nesting of `[` and `{` outside strings: JSON and YAML flow collections. */
function bracketDepth(text: string): number {
  let depth = 0;
  let max = 0;
  let quote = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quote !== '') {
      if (c === '\\' && quote === '"') i++;
      else if (c === quote) quote = '';
    } else if (c === '"' || (c === "'" && !/\w/.test(text[i - 1] ?? ''))) quote = c;
    else if (c === '[' || c === '{') max = Math.max(max, ++depth);
    else if (c === ']' || c === '}') depth--;
  }
  return max;
}

/** Parses policy file text: JSON or YAML by extension, else by content (JSON when it starts with `{`). */
export function parsePolicyText(text: string, source: string): unknown {
  const ext = extname(source).toLowerCase();
  const json = ext === '.json' || (ext !== '.yaml' && ext !== '.yml' && text.trimStart().startsWith('{'));
  if (bracketDepth(text) > MAX_POLICY_DEPTH) {
    throw new PolicyError(source, `nested deeper than ${MAX_POLICY_DEPTH} levels`);
  }
  try {
    if (json) return JSON.parse(text);
    const doc = parseDocument(text, { prettyErrors: false });
    if (doc.errors.length > 0) throw doc.errors[0];
    // A tag (`!!set`, `!!binary`, a custom one) would turn into something no policy field means.
    visit(doc, {
      Node(_key, node) {
        if ('tag' in node && node.tag !== undefined)
          throw new Error(`YAML tags are not allowed (${node.tag})`);
      },
    });
    return doc.toJS({ maxAliasCount: 100 });
  } catch (err) {
    const reason = err instanceof Error ? err.message.split('\n')[0] : String(err);
    throw new PolicyError(source, `invalid ${json ? 'JSON' : 'YAML'}: ${reason}`);
  }
}

/** A regular file's text, at most MAX_POLICY_FILE_BYTES; never blocks on a FIFO or a device. */
function readPolicyFile(path: string): string {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (err) {
    throw new PolicyError(path, `cannot read policy file: ${(err as NodeJS.ErrnoException).code ?? err}`);
  }
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) throw new PolicyError(path, 'a policy file must be a regular file');
    if (stat.size > MAX_POLICY_FILE_BYTES) {
      throw new PolicyError(path, `policy file is ${stat.size} bytes, more than ${MAX_POLICY_FILE_BYTES}`);
    }
    const buf = Buffer.alloc(MAX_POLICY_FILE_BYTES + 1);
    let n = 0;
    for (let got = 1; got > 0 && n < buf.length; n += got) got = readSync(fd, buf, n, buf.length - n, n);
    if (n > MAX_POLICY_FILE_BYTES)
      throw new PolicyError(path, `policy file grew past ${MAX_POLICY_FILE_BYTES} bytes`);
    return buf.toString('utf8', 0, n);
  } finally {
    closeSync(fd);
  }
}

/** Named policies of one network (or of the library's default registry). */
export class PolicyRegistry {
  private readonly policies = new Map<string, Policy>();

  /** Validates and stores (replacing any policy of that name); a rejected policy changes nothing. */
  register(name: string, input: unknown): Policy {
    const policy = validatePolicy(input, name);
    this.policies.set(name, policy);
    return policy;
  }

  /** Stores an already validated policy (from `policyFromFlags`) under its own name. */
  store(policy: Policy): void {
    this.policies.set(policy.name, policy);
  }

  /** A deep, mutable copy: changing it does not change the registry. */
  get(name: string): Policy | undefined {
    const policy = this.policies.get(name);
    return policy === undefined ? undefined : structuredClone(policy);
  }

  /** The stored (frozen) policy itself, for building rule sets without copying. */
  peek(name: string): Policy | undefined {
    return this.policies.get(name);
  }

  has(name: string): boolean {
    return this.policies.has(name);
  }

  /** Registered names, sorted. */
  list(): string[] {
    return [...this.policies.keys()].sort();
  }

  unregister(name: string): boolean {
    return this.policies.delete(name);
  }

  clear(): void {
    this.policies.clear();
  }

  /** Registers every policy of a root object keyed by name, all or none; returns how many. */
  registerAll(root: unknown, path = 'policies'): number {
    const policies = validatePolicies(root, path);
    for (const policy of policies) this.policies.set(policy.name, policy);
    return policies.length;
  }

  /** Loads a JSON or YAML policy file, all or none; returns how many policies it registered. */
  loadFile(path: string): number {
    return this.registerAll(parsePolicyText(readPolicyFile(path), path));
  }
}

/** The library's registry (`registerPolicy`, `loadPolicies`, ...). */
export const defaultRegistry = new PolicyRegistry();

export const registerPolicy = (name: string, input: unknown): Policy => defaultRegistry.register(name, input);
export const getPolicy = (name: string): Policy | undefined => defaultRegistry.get(name);
export const listPolicies = (): string[] => defaultRegistry.list();
export const unregisterPolicy = (name: string): boolean => defaultRegistry.unregister(name);
export const clearPolicies = (): void => defaultRegistry.clear();
export const loadPolicies = (path: string): number => defaultRegistry.loadFile(path);
