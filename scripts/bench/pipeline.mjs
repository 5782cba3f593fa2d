// Fault engine cost per packet on a synthetic workload: 64 UDP flows, 1400-byte packets, two
// uplink packets to one downlink, a virtual clock advancing 10 us a packet (100k packets/s),
// polled whenever a deadline is due, as the router does. Prints one JSON object.
import { FaultEngine } from '../../dist/src/faults/engine.js';
import { FaultCounters } from '../../dist/src/metrics/counters.js';
import { validatePolicies } from '../../dist/src/policy/registry.js';
import { compileRuleSet } from '../../dist/src/policy/resolve.js';

const FLOWS = 64;
const PACKETS = 1_000_000;
const WARMUP = 200_000;
const ROUNDS = 3;
const STEP_MS = 0.01;

const POLICIES = {
  none: null,
  zero: {
    latency: '0ms',
    jitter: '0ms',
    packet_loss: '0%',
    packet_duplicate: '0%',
    packet_reorder: '0%',
  },
  all: {
    latency: '20ms',
    jitter: '5ms',
    distribution: 'normal',
    correlation: '25%',
    packet_loss: '1%',
    burst_loss: 2,
    correlated_loss: { p_good_to_bad: '0.5%', p_bad_to_good: '50%' },
    packet_reorder: { prob: '2%', window: 3, max_delay: '5ms' },
    packet_duplicate: { prob: '1%', max_extra: 1 },
    rate: { rate: '2gbps', limit: 4096 },
  },
};

const flows = Array.from({ length: FLOWS }, (_, i) => ({
  protocol: 'udp',
  dstAddress: `10.0.2.${(i % 200) + 2}`,
  dstPort: 5000 + i,
  hostnames: [],
}));
const buffers = Array.from({ length: 4096 }, () => new Uint8Array(1400));

function measure(policy) {
  let released = 0;
  const engine = new FaultEngine({
    counters: new FaultCounters(),
    onRelease: () => {
      released++;
    },
  });
  if (policy !== null)
    engine.setRuleSet(compileRuleSet(validatePolicies({ bench: policy }), { fallbackSeed: 7 }));
  let now = 0;
  let deadline = engine.nextDeadline();
  const run = (count, first) => {
    for (let i = first; i < first + count; i++) {
      now += STEP_MS;
      if (deadline <= now) engine.poll(now);
      engine.submit(i % 3 === 2 ? 'downlink' : 'uplink', buffers[i & 4095], i % FLOWS, flows[i % FLOWS], now);
      deadline = engine.nextDeadline();
    }
  };
  run(WARMUP, 0);
  const samples = [];
  for (let r = 0; r < ROUNDS; r++) {
    const t0 = process.hrtime.bigint();
    run(PACKETS, WARMUP + r * PACKETS);
    samples.push(Number(process.hrtime.bigint() - t0) / PACKETS);
  }
  samples.sort((a, b) => a - b);
  const submitted = WARMUP + ROUNDS * PACKETS;
  return {
    nsPerPacket: samples[Math.floor(ROUNDS / 2)],
    releasedRatio: released / submitted,
    held: engine.heldCount,
  };
}

const out = {};
for (const [name, policy] of Object.entries(POLICIES)) out[name] = measure(policy);
console.log(JSON.stringify(out));
