import type { DirectionFaults, DnsFaults, Policy, Target } from '../src/policy/index.js';

/**
 * A normalised policy written back in policy-file syntax, which is what `register` validates.
 * Both directions are spelled out, so validation gives back the same policy.
 */
export function policyInput(policy: Policy): Record<string, unknown> {
  const input: Record<string, unknown> = {
    description: policy.description,
    uplink: directionInput(policy.uplink),
    downlink: directionInput(policy.downlink),
  };
  if (policy.seed !== null) input.seed = policy.seed;
  if (policy.dns !== null) input.dns = dnsInput(policy.dns);
  if (policy.targets.length > 0) input.targets = policy.targets.map(targetInput);
  return input;
}

/** Whole microseconds keep the text free of exponents, which the duration syntax does not accept. */
function duration(ms: number): string {
  return `${Math.round(ms * 1000)}us`;
}

function directionInput(d: DirectionFaults): Record<string, unknown> {
  const input: Record<string, unknown> = {
    latency: duration(d.latencyMs),
    jitter: duration(d.jitterMs),
    distribution: d.distribution,
    jitter_reorder: d.jitterReorders,
    correlation: d.correlation,
    packet_loss: d.packetLoss,
    burst_loss: d.burstLoss,
  };
  const ge = d.correlatedLoss;
  if (ge !== null) {
    input.correlated_loss = {
      p_good_to_bad: ge.pGoodToBad,
      p_bad_to_good: ge.pBadToGood,
      loss_good: ge.lossGood,
      loss_bad: ge.lossBad,
    };
  }
  if (d.reorder !== null) {
    input.packet_reorder = {
      prob: d.reorder.prob,
      window: d.reorder.window,
      max_delay: duration(d.reorder.maxDelayMs),
    };
  }
  if (d.duplicate !== null)
    input.packet_duplicate = { prob: d.duplicate.prob, max_extra: d.duplicate.maxExtra };
  if (d.rate !== null) {
    const limit = d.rate.limitUnit === 'packets' ? d.rate.limit : `${d.rate.limit}b`;
    input.rate = { rate: `${d.rate.bitsPerSecond}bps`, limit };
  }
  return input;
}

function dnsInput(dns: DnsFaults): Record<string, unknown> {
  return {
    delay: { duration: duration(dns.delayMs), prob: dns.delayProb },
    timeout: dns.timeoutProb,
    nxdomain: dns.nxdomainProb,
    servfail: dns.servfailProb,
  };
}

function targetInput(t: Target): Record<string, unknown> {
  const input: Record<string, unknown> = { protocol: t.protocol, priority: t.priority };
  if (t.host !== null) input.host = t.host;
  if (t.cidr !== null) input.cidr = t.cidr;
  if (t.hostname !== null) input.hostname = t.hostname;
  if (t.ports !== null) input.port = t.ports.map((r) => `${r.from}-${r.to}`);
  return input;
}
