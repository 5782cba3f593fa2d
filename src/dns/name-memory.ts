import type { Answer } from 'dns-packet';
import { canonicalAddress } from './address.js';

const NONE: readonly string[] = Object.freeze([]);

/**
 * Which hostnames the relayed answers mapped to each address, bounded as a least-recently-learned
 * cache of `maxAddresses` addresses with at most `maxNamesPerAddress` names each (the newest kept).
 * TTLs are ignored on purpose: a program may keep using an address long after its record expired.
 */
export class NameMemory {
  // Map iteration order is insertion order: re-inserting on every learning makes the first key
  // the least recently learned one. Name lists are replaced, never mutated, so callers may keep them.
  private readonly byAddress = new Map<string, readonly string[]>();

  constructor(
    private readonly maxAddresses: number,
    private readonly maxNamesPerAddress: number,
    private readonly onLearn: (address: string, hostname: string) => void,
  ) {}

  hostnamesFor(address: string): readonly string[] {
    return this.byAddress.get(address) ?? NONE;
  }

  /**
   * Records every A/AAAA address of `answers` reached from `qname` through the CNAME chain,
   * against `qname` and every name of the chain.
   */
  learnAnswers(qname: string, answers: readonly Answer[]): void {
    const chain = [qname];
    for (let grew = true; grew; ) {
      grew = false;
      for (const record of answers) {
        if (record.type !== 'CNAME') continue;
        const target = record.data.toLowerCase();
        if (chain.includes(record.name.toLowerCase()) && !chain.includes(target)) {
          chain.push(target);
          grew = true;
        }
      }
    }
    for (const record of answers) {
      if ((record.type !== 'A' && record.type !== 'AAAA') || !chain.includes(record.name.toLowerCase())) {
        continue;
      }
      const address = canonicalAddress(record.data);
      if (address === null) continue;
      for (const name of chain) this.learn(address, name);
    }
  }

  learn(address: string, hostname: string): void {
    const known = this.byAddress.get(address);
    this.byAddress.delete(address);
    if (known?.includes(hostname)) {
      this.byAddress.set(address, known);
      return;
    }
    const names = known === undefined ? [hostname] : [...known, hostname];
    this.byAddress.set(address, names.length > this.maxNamesPerAddress ? names.slice(1) : names);
    if (this.byAddress.size > this.maxAddresses) {
      this.byAddress.delete(this.byAddress.keys().next().value!);
    }
    this.onLearn(address, hostname);
  }
}
