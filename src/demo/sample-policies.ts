import type { Phase } from '../baseline/session.js';
import type { PolicyRegistry } from '../policy/registry.js';

/**
 * The demo's sample policies, one fault each, with values strong enough to show in a few seconds
 * of traffic and mild enough that clients with ordinary timeouts still get through.
 */
export const SAMPLE_POLICIES: Readonly<Record<string, Record<string, unknown>>> = {
  'latency-jitter': { description: 'latency 40ms ± 10ms each way', latency: '40ms', jitter: '10ms' },
  loss: { description: '5% packet loss each way', packet_loss: '5%' },
  'burst-loss': { description: '1% loss in bursts of 5', packet_loss: '1%', burst_loss: 5 },
  reorder: {
    description: '20% held back behind 3 packets (max 30ms)',
    packet_reorder: { prob: '20%', window: 3, max_delay: '30ms' },
  },
  duplicate: { description: '20% duplicated (1-2 copies)', packet_duplicate: { prob: '20%', max_extra: 2 } },
  rate: { description: '4 Mbit/s link each way', rate: '4mbps' },
  'dns-delay': { description: 'DNS answers 200ms late', dns: { delay: '200ms' } },
  'dns-nxdomain': { description: 'half the DNS queries get NXDOMAIN', dns: { nxdomain: '50%' } },
};

/** The baseline phase: no policy active. */
export const BASELINE_PHASE: Phase = { name: 'baseline', description: 'no policy', policies: [] };

/** Registers the named sample policies and returns the baseline phase followed by one phase each. */
export function samplePhases(registry: PolicyRegistry, names: readonly string[]): Phase[] {
  return [
    BASELINE_PHASE,
    ...names.map((name) => {
      const input = SAMPLE_POLICIES[name];
      if (input === undefined) throw new Error(`no sample policy named ${name}`);
      registry.register(name, input);
      return { name, description: String(input.description), policies: [name] };
    }),
  ];
}
