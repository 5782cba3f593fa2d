import { type ChildProcess, type StdioOptions, spawn, spawnSync } from 'node:child_process';
import { closeSync } from 'node:fs';
import type { Socket } from 'node:net';
import { constants } from 'node:os';
import { launcherPath } from './addon.js';
import { openTun } from './tun.js';

/** Addresses and MTU of a namespace's tun0 (DESIGN.md's address plan). */
export interface LinkConfig {
  ifname: string;
  mtu: number;
  address4: string;
  prefix4: number;
  gateway4: string;
  address6: string;
  prefix6: number;
  gateway6: string;
  /** Content of the namespace's /etc/resolv.conf. */
  resolvConf: string;
}

export interface LaunchOptions {
  command: string;
  args: readonly string[];
  link: LinkConfig;
  /** stdin, stdout, stderr of the program; fd 3 is reserved for the launcher. */
  stdio?: StdioOptions;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

export interface ExitStatus {
  /** The program's exit code, or 128+N when it died of signal N. */
  code: number;
}

export class LaunchError extends Error {}

/**
 * tun0's queue holds what the program sent while faultnet was busy. At the kernel's default of
 * 1000, eight parallel iperf3 uploads overflowed it (12% of packets dropped, counted as
 * tunQueue); 4000 dropped none. The cost is kernel memory for at most that many packets and
 * queueing delay only while faultnet falls behind. Jumbo MTUs move more bytes per packet, so
 * fewer packets bound the same memory.
 */
function txQueueLength(mtu: number): number {
  return mtu > 9000 ? 2000 : 4000;
}

function ipBatch(link: LinkConfig): string {
  const dev = link.ifname;
  return [
    'link set lo up',
    `link set ${dev} mtu ${link.mtu} txqueuelen ${txQueueLength(link.mtu)}`,
    `addr add ${link.address4}/${link.prefix4} dev ${dev}`,
    `addr add ${link.address6}/${link.prefix6} dev ${dev} nodad`,
    `link set ${dev} up`,
    `route add default via ${link.gateway4} dev ${dev}`,
    `route add default via ${link.gateway6} dev ${dev}`,
    '',
  ].join('\n');
}

/**
 * A program in its own network, mount and PID namespaces, started by netns/native/launch.c.
 *
 * Lifecycle: `launch()` resolves once the namespace exists and tun0 is configured, with the
 * program not yet started; `go()` starts it. The namespace lives exactly as long as the
 * program's PID namespace and the TUN fd: when the program ends, or faultnet dies, both go.
 */
export class Namespace {
  readonly exited: Promise<ExitStatus>;
  /** PID of the namespace's init (PID 1 inside), once the program started: enter its namespaces. */
  readonly initPid: Promise<number>;
  private started = false;
  private tunClosed = false;

  private constructor(
    private readonly child: ChildProcess,
    private readonly sync: Socket,
    /** tun0's descriptor: the data plane reads and writes it; `closeTun` (or `kill`) closes it. */
    readonly tunFd: number,
    exited: Promise<ExitStatus>,
  ) {
    this.exited = exited;
    this.initPid = new Promise<number>((resolve, reject) => {
      let text = '';
      sync.on('data', (buf: Buffer) => {
        text += buf.toString('latin1');
        const m = /P(\d+)\n/.exec(text);
        if (m) resolve(Number(m[1]));
      });
      sync.once('close', () =>
        reject(new LaunchError('faultnet: the namespace is gone (its program exited)')),
      );
    });
    // Nobody may ever ask for it.
    this.initPid.catch(() => {});
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  /** Path of the namespace's network namespace, for nsenter and setns. */
  get netnsPath(): string {
    return `/proc/${this.pid}/ns/net`;
  }

  static async launch(opts: LaunchOptions): Promise<Namespace> {
    const given = opts.stdio ?? 'inherit';
    // fd 3 is the launcher's sync socket, so a string shorthand becomes three explicit entries.
    const stdio = (typeof given === 'string' ? [given, given, given] : given) as unknown[];
    const child = spawn(
      launcherPath,
      ['--parent', String(process.pid), '--resolv', opts.link.resolvConf, '--', opts.command, ...opts.args],
      { stdio: [...stdio.slice(0, 3), 'pipe'] as StdioOptions, env: opts.env ?? process.env, cwd: opts.cwd },
    );
    const exited = new Promise<ExitStatus>((resolve) => {
      child.once('exit', (code, signal) => {
        resolve({ code: code ?? 128 + (signal ? (constants.signals[signal] ?? 0) : 0) });
      });
    });
    const sync = child.stdio[3] as Socket;
    try {
      await new Promise<void>((resolve, reject) => {
        const onData = (buf: Buffer) => {
          if (buf[0] === 0x52) resolve();
          else reject(new LaunchError('faultnet: the namespace launcher sent an unexpected reply'));
        };
        sync.once('data', onData);
        child.once('error', (err) =>
          reject(new LaunchError(`faultnet: cannot start the launcher: ${err.message}`)),
        );
        exited.then(() =>
          reject(new LaunchError('faultnet: the namespace launcher exited before it was ready')),
        );
      });
      const netns = `/proc/${child.pid}/ns/net`;
      const tunFd = openTun(netns, opts.link.ifname);
      try {
        const ip = spawnSync('nsenter', [`--net=${netns}`, 'ip', '-batch', '-'], {
          input: ipBatch(opts.link),
          encoding: 'utf8',
        });
        if (ip.status !== 0) {
          throw new LaunchError(
            `faultnet: configuring ${opts.link.ifname} failed: ${(ip.stderr || ip.error?.message || '').trim()}`,
          );
        }
        return new Namespace(child, sync, tunFd, exited);
      } catch (err) {
        closeSync(tunFd);
        throw err;
      }
    } catch (err) {
      child.kill('SIGKILL');
      await exited;
      throw err;
    }
  }

  /** Starts the program: call once the router is reading the TUN. */
  go(): void {
    if (this.started) return;
    this.started = true;
    this.sync.end('G');
  }

  /** Sends `signal` to the program (through the launcher and the namespace's init). */
  signal(signal: NodeJS.Signals): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill(signal);
  }

  /**
   * Kills every process of the namespace; resolves when the launcher is gone. tun0 stays: the
   * kernel still finishes sending what the dead program's sockets hold, as it would on a host.
   */
  async stop(): Promise<ExitStatus> {
    this.signal('SIGKILL');
    return this.exited;
  }

  /** Ends everything now; resolves when the launcher is gone. */
  async kill(): Promise<ExitStatus> {
    const status = await this.stop();
    this.closeTun();
    return status;
  }

  /** Closes tun0's descriptor (tun0 goes with it); once the data plane has stopped using it. */
  closeTun(): void {
    if (this.tunClosed) return;
    this.tunClosed = true;
    closeSync(this.tunFd);
  }
}
