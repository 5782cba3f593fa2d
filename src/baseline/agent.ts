/**
 * The agent: the program a comparison run starts inside its network. It connects to the Unix
 * socket named by its argument, runs each phase it is sent with its own workers, and answers with
 * that phase's report (see protocol.ts). It exits when the socket closes.
 */
import { writeFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { LineSplitter } from '../control/lines.js';
import { failureReason, OperationRunner } from './operations.js';
import type { AgentMessage, KindTally, OperationKind, PhaseReport, PhaseRequest } from './protocol.js';

/** Distinct error reasons kept per phase; the rest are counted as `other`. */
const MAX_REASONS = 20;

async function runPhase(req: PhaseRequest): Promise<PhaseReport> {
  const latenciesMs: number[] = [];
  const errors: Record<string, number> = {};
  const byKind: Partial<Record<OperationKind, KindTally>> = {};
  let bytes = 0;
  let started = 0;
  const limit = req.count ?? Number.POSITIVE_INFINITY;
  const begin = performance.now();
  const deadline = req.durationMs === undefined ? Number.POSITIVE_INFINITY : begin + req.durationMs;
  let end = begin;
  const worker = async (index: number) => {
    const runner = new OperationRunner(index, req.targets, req.opTimeoutMs);
    try {
      for (let k = index; started < limit && performance.now() < deadline; k++) {
        started++;
        const kind = req.mix[k % req.mix.length]!;
        byKind[kind] ??= { ops: 0, errors: 0 };
        const tally = byKind[kind];
        tally.ops++;
        const t0 = performance.now();
        try {
          bytes += await runner.run(kind);
          latenciesMs.push(Math.round((performance.now() - t0) * 1000) / 1000);
        } catch (err) {
          tally.errors++;
          const reason = failureReason(err);
          const key = reason in errors || Object.keys(errors).length < MAX_REASONS ? reason : 'other';
          errors[key] = (errors[key] ?? 0) + 1;
        }
        end = performance.now();
      }
    } finally {
      runner.close();
    }
  };
  await Promise.all(Array.from({ length: req.workers }, (_, i) => worker(i)));
  return { type: 'report', name: req.name, elapsedMs: end - begin, latenciesMs, errors, bytes, byKind };
}

/**
 * The TCP echo operation closes first, so each leaves a TIME_WAIT socket in this namespace's kernel
 * for 60 s: past about 470 connections a second to one server the 28,232 ephemeral ports run out
 * and connect() fails with EADDRNOTAVAIL, a limit of the load generator, not of the network under
 * test. tcp_tw_reuse=1 lets connect() take such ports again (our stack sends timestamps, which
 * reuse needs). The sysctl is this namespace's own; if it cannot be set, the agent runs without.
 */
function reuseTimeWaitPorts(): void {
  try {
    writeFileSync('/proc/sys/net/ipv4/tcp_tw_reuse', '1');
  } catch {}
}

function main(socketPath: string): void {
  reuseTimeWaitPorts();
  const socket = createConnection(socketPath);
  const lines = new LineSplitter(1 << 20);
  const send = (message: AgentMessage) => socket.write(`${JSON.stringify(message)}\n`);
  let queue = Promise.resolve();
  socket.on('data', (chunk: Buffer) => {
    lines.push(chunk, (line) => {
      const request = JSON.parse(line) as PhaseRequest;
      queue = queue
        .then(() => runPhase(request))
        .then(send, (err: Error) => send({ type: 'fatal', message: err.message }))
        .then(() => {});
    });
  });
  socket.on('error', (err) => {
    process.stderr.write(`faultnet agent: ${err.message}\n`);
    process.exit(1);
  });
  socket.on('close', () => process.exit(0));
}

main(process.argv[2]!);
