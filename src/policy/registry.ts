import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { parse as parseYaml } from 'yaml';
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

/** Parses policy file text: JSON or YAML by extension, else by content (JSON when it starts with `{`). */
export function parsePolicyText(text: string, source: string): unknown {
  const ext = extname(source).toLowerCase();
  const json = ext === '.json' || (ext !== '.yaml' && ext !== '.yml' && text.trimStart().startsWith('{'));
  try {
    return json ? JSON.parse(text) : parseYaml(text);
  } catch (err) {
    const reason = err instanceof Error ? err.message.split('\n')[0] : String(err);
    throw new PolicyError(source, `invalid ${json ? 'JSON' : 'YAML'}: ${reason}`);
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
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (err) {
      throw new PolicyError(path, `cannot read policy file: ${(err as NodeJS.ErrnoException).code ?? err}`);
    }
    return this.registerAll(parsePolicyText(text, path));
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
