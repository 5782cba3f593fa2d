import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { DemoServers } from '../../src/demo/servers.js';

const ENTRY = fileURLToPath(new URL('./servers-process.js', import.meta.url));

/** Starts servers-process.js; `close()` ends it by closing its stdin. */
export async function startServerProcess(): Promise<DemoServers> {
  const child = spawn(process.execPath, [ENTRY], { stdio: ['pipe', 'pipe', 'inherit'] });
  let out = '';
  const ports = await new Promise<Omit<DemoServers, 'close'>>((resolve, reject) => {
    child.stdout!.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      if (out.includes('\n')) resolve(JSON.parse(out.slice(0, out.indexOf('\n'))));
    });
    child.once('exit', (code) =>
      reject(new Error(`the stress servers exited (code ${code}) before starting`)),
    );
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    ...ports,
    close: () => {
      child.stdin!.end();
      return exited;
    },
  };
}
