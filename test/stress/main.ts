/**
 * The stress harness (`npm run stress -- --mode smoke|long ...`): workers doing TCP echo, HTTP and
 * DNS lookups through ONE network, a baseline phase and then one phase per sample policy, each
 * really applied with setActivePolicies. This process runs the network, so faultnet's RSS is this
 * process's (process.memoryUsage().rss); the servers run in a child process and do not count.
 * Exit 0: every phase within the limits; 1: a limit broken, with the reasons; 2: a bad flag.
 */
import { limitViolations } from '../../src/baseline/limits.js';
import type { PhaseResult } from '../../src/baseline/phase-result.js';
import { writeRecord } from '../../src/baseline/record.js';
import { runComparison, type Workload } from '../../src/baseline/session.js';
import { formatTable } from '../../src/baseline/table.js';
import { samplePhases } from '../../src/demo/sample-policies.js';
import { demoTargets } from '../../src/demo/servers.js';
import { PolicyRegistry } from '../../src/policy/registry.js';
import { ProfileError, parseProfile, type StressProfile } from './profile.js';
import { startServerProcess } from './servers.js';

/** The faults a stress run goes through, after its baseline. */
const STRESS_POLICIES = ['latency-jitter', 'loss', 'reorder', 'duplicate', 'rate', 'dns-delay'];

/** Long enough for TCP to ride out three lost SYNs and the resolver its three tries. */
const OP_TIMEOUT_MS = 10_000;

async function stress(profile: StressProfile): Promise<number> {
  const registry = new PolicyRegistry();
  const phases = samplePhases(registry, STRESS_POLICIES);
  const servers = await startServerProcess();
  const workload: Workload = {
    mix: ['tcp', 'http', 'dns'],
    workers: profile.workers,
    durationMs: Math.round((profile.durationS * 1000) / phases.length),
    opTimeoutMs: OP_TIMEOUT_MS,
    targets: demoTargets(servers),
  };
  const startedAt = new Date().toISOString();
  process.stdout.write(
    `stress ${profile.mode}: ${phases.length} phases of ${workload.durationMs! / 1000} s, ${profile.workers} workers; limits: error rate ${profile.maxErrorRate}, RSS growth ${profile.maxRssDeltaKb} KiB\n`,
  );
  let results: PhaseResult[];
  try {
    results = await runComparison({
      network: { registry, seed: 1, dnsUpstream: servers.dnsUpstream },
      phases,
      workload,
      warmup: { durationMs: Math.min(10_000, workload.durationMs! / 2) },
      onPhase: (r, i) =>
        process.stdout.write(
          `  [${i + 1}/${phases.length}] ${r.name}: ${r.ops} ops, ${r.errors} errors, RSS +${r.rss.growthKb} KiB\n`,
        ),
    });
  } finally {
    await servers.close();
  }
  process.stdout.write(`${formatTable(results, { rss: true })}\n`);
  const failures = limitViolations(results, profile);
  if (profile.json)
    writeRecord(profile.json, {
      command: `stress ${profile.mode}`,
      startedAt,
      workload,
      phases: results,
      failures,
    });
  if (failures.length === 0) {
    process.stdout.write(`stress ${profile.mode}: passed\n`);
    return 0;
  }
  for (const reason of failures) process.stderr.write(`stress ${profile.mode} failed: ${reason}\n`);
  return 1;
}

let profile: StressProfile;
try {
  profile = parseProfile(process.argv.slice(2), process.env);
} catch (err) {
  if (!(err instanceof ProfileError)) throw err;
  process.stderr.write(`stress: ${err.message}\n`);
  process.exit(2);
}
process.exitCode = await stress(profile);
