// Added-delay error: ping through `--latency 20ms` (40 ms configured per round trip), measured
// minus configured. Usage: node delay-error.mjs idle|tui|busy <faultnet checkout> [count]
//   idle  faultnet run -- ping
//   tui   faultnet run --tui -- ping, drawn in a 160x50 tmux session
//   busy  the library: Network.start in this process, whose main thread is kept busy in 30 ms
//         slices while net.exec runs ping
// Prints JSON: { mode, count, configuredMs, errorMs: { p50, p99, max }, rttMs: { ... } }.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const [mode, checkout, countText = '200'] = process.argv.slice(2);
const root = resolve(checkout);
const count = Number(countText);
const CONFIGURED_MS = 40;
const PING = ['-n', '-c', String(count), '-i', '0.02', '10.0.2.2'];

const rttsOf = (text) =>
  [...text.matchAll(/time=([\d.]+) ms/g)].map((m) => Number(m[1])).sort((a, b) => a - b);
const q = (sorted, p) => sorted[Math.ceil(p * sorted.length) - 1];

async function measure() {
  const bin = join(root, 'bin', 'faultnet.js');
  if (mode === 'idle') {
    const r = spawnSync(process.execPath, [bin, 'run', '--latency', '20ms', '--', 'ping', ...PING], {
      encoding: 'utf8',
    });
    return rttsOf(r.stdout);
  }
  if (mode === 'tui') {
    const dir = mkdtempSync(join(tmpdir(), 'faultnet-bench-tui-'));
    const out = join(dir, 'ping.txt');
    const session = `fnbench${process.pid}`;
    try {
      const cmd = `${process.execPath} ${bin} run --tui --latency 20ms -- sh -c 'ping ${PING.join(' ')} > ${out}'`;
      execFileSync('tmux', ['new-session', '-d', '-s', session, '-x', '160', '-y', '50', cmd]);
      const alive = () => spawnSync('tmux', ['has-session', '-t', session]).status === 0;
      const end = Date.now() + 120_000;
      while (alive() && Date.now() < end) await new Promise((r) => setTimeout(r, 200));
      if (alive()) execFileSync('tmux', ['kill-session', '-t', session]);
      return rttsOf(readFileSync(out, 'utf8'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  if (mode === 'busy') {
    const { Network } = await import(join(root, 'dist', 'src', 'api', 'index.js'));
    const net = await Network.start({ policies: { l20: { latency: '20ms' } } });
    let busy = true;
    const spin = () => {
      const until = performance.now() + 30;
      while (performance.now() < until);
      if (busy) setImmediate(spin);
    };
    setImmediate(spin);
    try {
      return rttsOf((await net.exec('ping', PING)).stdout);
    } finally {
      busy = false;
      await net.close();
    }
  }
  throw new Error(`mode: expected idle, tui or busy, got ${mode}`);
}

const rtts = await measure();
if (rtts.length < count * 0.9) throw new Error(`only ${rtts.length} of ${count} replies`);
const errors = rtts.map((v) => v - CONFIGURED_MS);
console.log(
  JSON.stringify({
    mode,
    count: rtts.length,
    configuredMs: CONFIGURED_MS,
    errorMs: { p50: q(errors, 0.5), p99: q(errors, 0.99), max: errors.at(-1) },
    rttMs: { p50: q(rtts, 0.5), p99: q(rtts, 0.99), max: rtts.at(-1) },
  }),
);
