import type { DnsFaultChoice } from '../dns/handler.js';
import { STREAM, streamSeed } from '../faults/pipeline.js';
import { Rng } from '../faults/rng.js';
import type { RuleSet } from '../policy/resolve.js';

/**
 * Maps a DNS query to the `dns` faults of the rule that applies to its name under the current rule
 * set, with one seeded random stream per rule, so a seed repeats the DNS decisions too.
 */
export class DnsFaultSource {
  private generation = -1;
  /** One seeded draw function per rule key, made once. */
  private readonly streams = new Map<string, () => number>();

  constructor(private readonly ruleSet: () => RuleSet) {}

  faultsFor(qname: string): DnsFaultChoice | null {
    const rs = this.ruleSet();
    if (rs.generation !== this.generation) {
      this.generation = rs.generation;
      this.streams.clear();
    }
    const rule = rs.resolveDns(qname);
    const dns = rule?.policy.dns;
    if (!rule || !dns) return null;
    let random = this.streams.get(rule.key);
    if (!random) {
      const rng = new Rng(streamSeed(rule, 'dns', STREAM.dns));
      random = () => rng.next();
      this.streams.set(rule.key, random);
    }
    const delayed = dns.delayMs > 0 && (dns.delayProb >= 1 || random() < dns.delayProb);
    return {
      plan: {
        delayMs: delayed ? dns.delayMs : 0,
        timeout: dns.timeoutProb,
        nxdomain: dns.nxdomainProb,
        servfail: dns.servfailProb,
      },
      random,
      ruleId: rule.id,
    };
  }
}
