// Top self-time functions of a V8 .cpuprofile (node --cpu-prof), merged by function and location.
// Usage: node cpuprofile-top.mjs <file.cpuprofile>... [count]   (prints one JSON object)
// `--cpu-prof` writes one profile per thread; given several, the busiest one is reported (the
// data-plane thread's, during a transfer).
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const args = process.argv.slice(2);
const files = args.filter((a) => a.endsWith('.cpuprofile'));
const count = Number(args.find((a) => /^\d+$/.test(a)) ?? 15);
const root = fileURLToPath(new URL('../..', import.meta.url));

function location(frame) {
  if (frame.url === '') return '';
  const path = frame.url.startsWith('file://') ? relative(root, fileURLToPath(frame.url)) : frame.url;
  return `${path}:${frame.lineNumber + 1}`;
}

function summarise(file) {
  const profile = JSON.parse(readFileSync(file, 'utf8'));
  const nameOf = new Map();
  for (const node of profile.nodes) {
    const frame = node.callFrame;
    nameOf.set(node.id, `${frame.functionName || '(anonymous)'} ${location(frame)}`.trim());
  }

  // timeDeltas[i] is the time before sample i; charge it to that sample's node.
  const selfUs = new Map();
  let totalUs = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    const us = profile.timeDeltas[i] ?? 0;
    const name = nameOf.get(profile.samples[i]);
    selfUs.set(name, (selfUs.get(name) ?? 0) + us);
    totalUs += us;
  }

  const idleUs = selfUs.get('(idle)') ?? 0;
  const top = [...selfUs.entries()]
    .filter(([name]) => name !== '(idle)')
    .sort((a, b) => b[1] - a[1])
    .slice(0, count)
    .map(([name, us]) => ({ name, selfMs: us / 1000, percentOfBusy: (100 * us) / (totalUs - idleUs) }));
  return { totalMs: totalUs / 1000, idleMs: idleUs / 1000, threads: files.length, top };
}

const busiest = files.map(summarise).sort((a, b) => b.totalMs - b.idleMs - (a.totalMs - a.idleMs))[0];
console.log(JSON.stringify(busiest));
