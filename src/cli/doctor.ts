import { spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync } from 'node:fs';
import { addonPath, launcherPath, loadAddon } from '../../netns/addon.js';
import { CONTROL_DIR, removeStaleControlSockets, staleControlSockets } from '../control/index.js';

export interface Check {
  name: string;
  ok: boolean;
  detail: string;
  fix: string;
}

function tool(name: string, args: string[], fix: string): Check {
  const r = spawnSync(name, args, { encoding: 'utf8' });
  const ok = r.status === 0;
  return {
    name,
    ok,
    detail: ok ? (r.stdout || r.stderr).split('\n')[0]!.trim() : (r.error?.message ?? r.stderr.trim()),
    fix,
  };
}

/** Every precondition of `faultnet run`, each with the fix for its failure. */
export function runChecks(): Check[] {
  const checks: Check[] = [];
  const root = process.getuid?.() === 0;
  checks.push({
    name: 'root',
    ok: root,
    detail: root ? 'running as root' : `running as uid ${process.getuid?.()}`,
    fix: 'run faultnet as root (sudo faultnet ...): it creates network namespaces and TUN devices',
  });
  let tunOk = false;
  try {
    accessSync('/dev/net/tun', constants.R_OK | constants.W_OK);
    tunOk = true;
  } catch {}
  checks.push({
    name: '/dev/net/tun',
    ok: tunOk,
    detail: tunOk ? 'present and writable' : 'missing or not accessible',
    fix: 'load the tun module (modprobe tun) or, in a container, pass the device (--device /dev/net/tun)',
  });
  checks.push(tool('unshare', ['--version'], 'install util-linux (apt-get install util-linux)'));
  checks.push(tool('nsenter', ['--version'], 'install util-linux (apt-get install util-linux)'));
  checks.push(tool('ip', ['-V'], 'install iproute2 (apt-get install iproute2)'));
  let addonOk = false;
  let addonDetail = '';
  try {
    addonOk = typeof loadAddon().openTun === 'function' && existsSync(launcherPath);
    addonDetail = addonOk ? addonPath : `launcher missing at ${launcherPath}`;
  } catch (err) {
    addonDetail = (err as Error).message.split('\n')[0]!;
  }
  checks.push({
    name: 'native addon',
    ok: addonOk,
    detail: addonDetail,
    fix: 'rebuild it: npm rebuild faultnet (needs g++, make and python3)',
  });
  if (root && tunOk) {
    const r = spawnSync('unshare', ['--net', '--mount', '--pid', '--fork', 'true'], { encoding: 'utf8' });
    checks.push({
      name: 'namespaces',
      ok: r.status === 0,
      detail: r.status === 0 ? 'network, mount and PID namespaces can be created' : r.stderr.trim(),
      fix: 'run on a kernel with namespaces enabled, or give the container CAP_SYS_ADMIN',
    });
  }
  const stale = staleControlSockets();
  checks.push({
    name: 'stale control sockets',
    ok: stale.length === 0,
    detail: stale.length === 0 ? `none in ${CONTROL_DIR}` : `${stale.length}: ${stale.join(', ')}`,
    fix: 'faultnet doctor --fix removes them (the next faultnet run does too)',
  });
  return checks;
}

/**
 * Prints one line per check; returns the exit code (0 only when all pass). With `fix`, first
 * removes what faultnet itself left behind (stale control sockets).
 */
export function doctor(out: (line: string) => void, fix = false): number {
  if (fix) for (const path of removeStaleControlSockets()) out(`fixed: removed ${path}`);
  const checks = runChecks();
  for (const c of checks) {
    out(`${c.ok ? 'ok  ' : 'FAIL'} ${c.name}: ${c.detail}${c.ok ? '' : ` — fix: ${c.fix}`}`);
  }
  return checks.every((c) => c.ok) ? 0 : 1;
}
