// Top self-time functions of a V8 .cpuprofile (node --cpu-prof), merged by function and location.
// Usage: node cpuprofile-top.mjs <file.cpuprofile> [count]   (prints one JSON object)
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const file = process.argv[2];
const count = Number(process.argv[3] ?? 15);
const root = fileURLToPath(new URL('../..', import.meta.url));
const profile = JSON.parse(readFileSync(file, 'utf8'));

function location(frame) {
  if (frame.url === '') return '';
  const path = frame.url.startsWith('file://') ? relative(root, fileURLToPath(frame.url)) : frame.url;
  return `${path}:${frame.lineNumber + 1}`;
}

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
console.log(JSON.stringify({ totalMs: totalUs / 1000, idleMs: idleUs / 1000, top }));
