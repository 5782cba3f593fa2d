import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { once } from 'node:events';
import {
  linkSync,
  lstatSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { createConnection, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { after, afterEach, beforeEach, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { ControlClient, ControlError } from '../../src/control/client.js';
import { LineSplitter } from '../../src/control/lines.js';
import type { ControlTarget } from '../../src/control/operations.js';
import { defaultControlPath } from '../../src/control/path.js';
import {
  type ActiveReply,
  MAX_LINE_BYTES,
  MIN_INTERVAL_MS,
  type PoliciesReply,
  type Reply,
  type StatsEvent,
} from '../../src/control/protocol.js';
import { ControlServer, MAX_QUEUED_BYTES, MAX_SESSIONS } from '../../src/control/server.js';
import { FaultCounters } from '../../src/metrics/counters.js';
import type { StatsSnapshot } from '../../src/metrics/snapshot.js';
import { PolicyError } from '../../src/policy/errors.js';
import { PolicyRegistry } from '../../src/policy/registry.js';

// A real ControlServer on a temporary Unix socket, driving a small real target: a real
// PolicyRegistry, an active list, and a fixed snapshot whose uptime counts stats() calls.

const root = mkdtempSync(join(tmpdir(), 'faultnet-control-'));
after(() => rmSync(root, { recursive: true, force: true }));
let sockets = 0;
const freshPath = (): string => join(root, `s${++sockets}`, 'control.sock');

class TestTarget implements ControlTarget {
  readonly registry = new PolicyRegistry();
  private active: string[] = [];
  paused = false;
  resets = 0;
  statsCalls = 0;
  setCalls = 0;
  private readonly base = new FaultCounters().snapshot({ flows: { tcp: 2, udp: 1 }, seed: 42 });

  constructor() {
    this.registry.register('slow', { latency: '50ms', jitter: '5ms' });
    this.registry.register('lossy', { packet_loss: '5%' });
  }

  stats(): StatsSnapshot {
    this.statsCalls++;
    return { ...this.base, uptimeMs: this.statsCalls, paused: this.paused, policies: [...this.active] };
  }

  activePolicies(): string[] {
    return [...this.active];
  }

  setActivePolicies(names: readonly string[]): void {
    this.setCalls++;
    for (const name of names) {
      if (!this.registry.has(name)) throw new PolicyError('policies', `no policy named ${name}`);
    }
    this.active = [...names];
  }

  setPaused(paused: boolean): void {
    this.paused = paused;
  }

  resetCounters(): void {
    this.resets++;
  }
}

/** A client speaking raw lines, to see exactly what the server sends. */
class RawClient {
  private readonly queue: Reply[] = [];
  private readonly waiters: ((reply: Reply) => void)[] = [];
  readonly closed: Promise<unknown>;

  private constructor(readonly socket: Socket) {
    const lines = new LineSplitter(Number.POSITIVE_INFINITY);
    socket.on('data', (chunk: Buffer) =>
      lines.push(chunk, (line) => {
        const reply = JSON.parse(line) as Reply;
        const waiter = this.waiters.shift();
        if (waiter) waiter(reply);
        else this.queue.push(reply);
      }),
    );
    socket.on('error', () => {});
    this.closed = once(socket, 'close');
  }

  static async open(path: string): Promise<RawClient> {
    const socket = createConnection(path);
    await once(socket, 'connect');
    return new RawClient(socket);
  }

  send(text: string): void {
    this.socket.write(`${text}\n`);
  }

  next(): Promise<Reply> {
    const queued = this.queue.shift();
    return queued ? Promise.resolve(queued) : new Promise((res) => this.waiters.push(res));
  }

  /** Messages received but not read yet. */
  get unread(): number {
    return this.queue.length;
  }

  // biome-ignore lint/suspicious/noExplicitAny: replies are checked field by field
  async ask(request: object): Promise<any> {
    this.send(JSON.stringify(request));
    return this.next();
  }

  close(): void {
    this.socket.destroy();
  }
}

let target: TestTarget;
let server: ControlServer;
let path: string;
const clients: { close(): void }[] = [];
const raw = async (): Promise<RawClient> => {
  const c = await RawClient.open(path);
  clients.push(c);
  return c;
};
const client = async (): Promise<ControlClient> => {
  const c = await ControlClient.connect(path);
  clients.push(c);
  return c;
};

beforeEach(async () => {
  target = new TestTarget();
  path = freshPath();
  server = await ControlServer.listen(path, target);
});

afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await server.close();
});

describe('ControlServer socket file', () => {
  it('creates the parent directory 0700 and a socket of mode 0600', () => {
    const socket = statSync(path);
    assert.ok(socket.isSocket());
    assert.equal(socket.mode & 0o777, 0o600);
    assert.equal(statSync(dirname(path)).mode & 0o777, 0o700);
    assert.equal(server.path, path);
  });

  it('close() removes the socket file and ends the connections', async () => {
    const c = await raw();
    await server.close();
    await c.closed;
    assert.throws(() => statSync(path), { code: 'ENOENT' });
    server = await ControlServer.listen(path, target);
  });

  it('replaces a stale socket file but not a live socket or another file', async () => {
    const stale = join(dirname(path), 'stale.sock');
    linkSync(path, stale);
    await assert.rejects(ControlServer.listen(path, target), /another process is serving/);
    await server.close();
    assert.ok(statSync(stale).isSocket(), 'a socket file nobody listens on');
    server = await ControlServer.listen(stale, target);
    path = stale;
    assert.equal((await (await raw()).ask({ op: 'stats' })).ok, true);
  });

  it('refuses to replace a file that is not a socket', async () => {
    const file = join(dirname(path), 'plain');
    writeFileSync(file, 'keep me');
    await assert.rejects(ControlServer.listen(file, target), /is not a socket/);
    assert.equal(statSync(file).size, 7);
  });

  it('does not follow a symlink planted at its path, nor touch what it points to', async () => {
    const victim = join(dirname(path), 'victim');
    writeFileSync(victim, 'root only', { mode: 0o600 });
    const planted = join(dirname(path), 'planted.sock');
    symlinkSync(victim, planted);
    await assert.rejects(ControlServer.listen(planted, target), /is not a socket/);
    assert.equal(readFileSync(victim, 'utf8'), 'root only');
    assert.equal(statSync(victim).mode & 0o777, 0o600);
    assert.ok(lstatSync(planted).isSymbolicLink());
  });

  it('puts the default socket under /run/faultnet', () => {
    assert.equal(defaultControlPath(1234), '/run/faultnet/1234.sock');
  });
});

describe('ControlServer operations', () => {
  it('stats returns the target snapshot and echoes a scalar id', async () => {
    const c = await raw();
    const reply = await c.ask({ op: 'stats', id: 'tag-1' });
    assert.deepEqual(reply, { id: 'tag-1', ok: true, stats: { ...target.stats(), uptimeMs: 1 } });
    assert.equal(reply.stats.flows.tcp, 2);
    assert.deepEqual(await c.ask({ op: 'stats' }).then((r) => r.id), null);
  });

  it('policies lists registered (sorted), active and the normalised policies', async () => {
    target.setActivePolicies(['slow']);
    const reply = await (await raw()).ask({ op: 'policies', id: 1 });
    assert.deepEqual(reply.registered, ['lossy', 'slow']);
    assert.deepEqual(reply.active, ['slow']);
    assert.deepEqual(reply.policies.slow, JSON.parse(JSON.stringify(target.registry.peek('slow'))));
    assert.equal(reply.policies.slow.uplink.latencyMs, 50);
    assert.equal(reply.policies.lossy.downlink.packetLoss, 0.05);
  });

  it('register validates, stores and re-applies an active policy; a bad one changes nothing', async () => {
    const c = await raw();
    const good = await c.ask({ op: 'register', id: 1, name: 'fast', policy: { latency: '1ms' } });
    assert.equal(good.ok, true);
    assert.equal(good.name, 'fast');
    assert.equal(good.policy.uplink.latencyMs, 1);
    assert.deepEqual(target.registry.list(), ['fast', 'lossy', 'slow']);

    const bad = await c.ask({ op: 'register', id: 2, name: 'fast', policy: { uplink: { jitter: '20' } } });
    assert.equal(bad.ok, false);
    assert.equal(bad.id, 2);
    assert.match(bad.error, /^policies\.fast\.uplink\.jitter: expected a duration/);
    assert.equal(target.registry.peek('fast')!.uplink.latencyMs, 1);

    target.setActivePolicies(['fast']);
    const calls = target.setCalls;
    const replaced = await c.ask({ op: 'register', name: 'fast', policy: { latency: '3ms' } });
    assert.deepEqual(replaced.active, ['fast']);
    assert.equal(target.setCalls, calls + 1, 'the active set is rebuilt from the new policy');
    assert.equal(target.registry.peek('fast')!.uplink.latencyMs, 3);
  });

  it('activate, deactivate, set, clear and unregister change the active set', async () => {
    const c = await raw();
    assert.deepEqual((await c.ask({ op: 'activate', name: 'slow' })).active, ['slow']);
    assert.deepEqual((await c.ask({ op: 'activate', name: 'lossy' })).active, ['slow', 'lossy']);
    assert.deepEqual((await c.ask({ op: 'activate', name: 'slow' })).active, ['slow', 'lossy']);
    assert.deepEqual((await c.ask({ op: 'deactivate', name: 'slow' })).active, ['lossy']);
    assert.deepEqual((await c.ask({ op: 'deactivate', name: 'slow' })).active, ['lossy']);
    assert.deepEqual((await c.ask({ op: 'set', names: ['slow', 'lossy', 'slow'] })).active, [
      'slow',
      'lossy',
    ]);
    assert.deepEqual((await c.ask({ op: 'unregister', name: 'slow' })).active, ['lossy']);
    assert.deepEqual(target.registry.list(), ['lossy']);
    assert.deepEqual(await c.ask({ op: 'clear', id: 9 }), { id: 9, ok: true, active: [] });
    assert.deepEqual(target.activePolicies(), []);
  });

  it('refuses unknown names, naming the field, and changes nothing', async () => {
    const c = await raw();
    target.setActivePolicies(['slow']);
    const calls = target.setCalls;
    const refusals = [
      [{ op: 'set', names: ['lossy', 'nope'] }, 'names[1]: no policy named "nope"'],
      [{ op: 'activate', name: 'nope' }, 'name: no policy named "nope"'],
      [{ op: 'deactivate', name: 'nope' }, 'name: no policy named "nope"'],
      [{ op: 'unregister', name: 'nope' }, 'name: no policy named "nope"'],
    ] as const;
    for (const [request, error] of refusals) {
      assert.deepEqual(await c.ask({ ...request, id: request.op }), { id: request.op, ok: false, error });
    }
    assert.equal(target.setCalls, calls);
    assert.deepEqual(target.activePolicies(), ['slow']);
    assert.deepEqual(target.registry.list(), ['lossy', 'slow']);
  });

  it('pause, resume and reset reach the target', async () => {
    const c = await raw();
    assert.deepEqual(await c.ask({ op: 'pause', id: 1 }), { id: 1, ok: true, paused: true });
    assert.equal(target.paused, true);
    assert.equal((await c.ask({ op: 'stats' })).stats.paused, true);
    assert.deepEqual(await c.ask({ op: 'resume', id: 2 }), { id: 2, ok: true, paused: false });
    assert.equal(target.paused, false);
    assert.deepEqual(await c.ask({ op: 'reset', id: 3 }), { id: 3, ok: true });
    assert.equal(target.resets, 1);
  });
});

describe('ControlServer bad input', () => {
  it('answers malformed and invalid requests with one-line errors and stays usable', async () => {
    const c = await raw();
    c.send('{"op": "stats"');
    const malformed = await c.next();
    assert.equal(malformed.ok, false);
    assert.match((malformed as { error: string }).error, /^invalid JSON: /);
    c.send('');
    c.send('   ');
    const cases: [object, string][] = [
      [{ id: 1 }, 'op: required'],
      [{ id: 2, op: 'launch' }, 'op: unknown operation "launch"'],
      [{ id: 3, op: 'subscribe', intervalMs: '1s' }, 'intervalMs: expected a number'],
      [{ id: 4, op: 'set', names: [1] }, 'names[0]: expected a policy name, got 1'],
      [{ id: 5, op: 'register', name: 'x', policy: { latency: 5, nonsense: 1 } }, 'policies.x.'],
    ];
    for (const [request, prefix] of cases) {
      const reply = await c.ask(request);
      assert.equal(reply.ok, false);
      assert.equal(reply.id, (request as { id: number }).id);
      assert.ok(reply.error.startsWith(prefix), reply.error);
    }
    assert.equal((await c.ask({ op: 'stats', id: 'still' })).ok, true);
    assert.equal(c.unread, 0, 'blank lines get no reply');
  });

  it('accepts a line of exactly 1 MiB', async () => {
    const c = await raw();
    const bare = JSON.stringify({ op: 'stats', id: 'big', pad: '' });
    const line = JSON.stringify({ op: 'stats', id: 'big', pad: 'x'.repeat(MAX_LINE_BYTES - bare.length) });
    assert.equal(Buffer.byteLength(line), MAX_LINE_BYTES);
    const reply = await c.ask(JSON.parse(line));
    assert.equal(reply.ok, true);
    assert.equal(reply.id, 'big');
  });

  it('answers a longer line with an error and closes that connection only', async () => {
    const c = await raw();
    const other = await raw();
    c.socket.write(`{"op":"stats","id":1}\n${'x'.repeat(MAX_LINE_BYTES + 1)}`);
    assert.equal((await c.next()).ok, true);
    const refused = await c.next();
    assert.deepEqual(refused, {
      id: null,
      ok: false,
      error: `request: line longer than ${MAX_LINE_BYTES} bytes; closing`,
    });
    await c.closed;
    assert.equal((await other.ask({ op: 'stats' })).ok, true);
  });
});

describe('ControlServer hostile clients', () => {
  it('refuses a deeply nested id without echoing it, and keeps serving', async () => {
    const c = await raw();
    const deep = `${'['.repeat(4200)}${']'.repeat(4200)}`;
    c.send(`{"op":"stats","id":${deep}}`);
    const reply = await c.next();
    assert.equal(reply.ok, false);
    assert.equal(reply.id, null);
    assert.match((reply as { error: string }).error, /^id: expected a string of at most 64 characters/);
    const long = await c.ask({ op: 'stats', id: 'x'.repeat(65) });
    assert.equal(long.ok, false);
    assert.equal(long.id, null);
    assert.equal((await c.ask({ op: 'stats', id: 7 })).id, 7);
  });

  it('stops handling a pipelining client that never reads once its replies pass the cap', async () => {
    const c = await raw();
    c.socket.pause();
    const calls = target.statsCalls;
    // 4 MiB of stats requests, each answered with a snapshot of a few hundred bytes.
    const line = '{"op":"stats"}\n';
    const chunk = line.repeat(Math.floor(65536 / line.length));
    for (let i = 0; i < 64; i++) c.socket.write(chunk);
    await new Promise((r) => setTimeout(r, 300));
    const handled = target.statsCalls - calls;
    const replyBytes = JSON.stringify({ id: null, ok: true, stats: target.stats() }).length + 1;
    // Handled replies are what fits the cap plus the socket's own buffers (a few hundred KiB),
    // not the 280k requests sent.
    assert.ok(handled * replyBytes < MAX_QUEUED_BYTES + 4 * 1024 * 1024, `handled ${handled} requests`);
    assert.ok(handled < (64 * Math.floor(65536 / line.length)) / 4, `handled ${handled} requests`);
    const other = await raw();
    assert.equal((await other.ask({ op: 'stats' })).ok, true);
  });

  it(`refuses client ${MAX_SESSIONS + 1} with an error line and serves the others`, async () => {
    const open: RawClient[] = [];
    for (let i = 0; i < MAX_SESSIONS; i++) open.push(await raw());
    for (const c of open) assert.equal((await c.ask({ op: 'stats' })).ok, true);
    const extra = await raw();
    const refused = await extra.next();
    assert.equal(refused.ok, false);
    assert.match((refused as { error: string }).error, /more than 64 clients/);
    await extra.closed;
    open[0]!.close();
    await open[0]!.closed;
    await new Promise((r) => setImmediate(r));
    const again = await raw();
    assert.equal((await again.ask({ op: 'stats' })).ok, true);
  });
});

describe('ControlServer subscriptions', () => {
  it('sends a snapshot at once, then on every tick, with the subscription id, until unsubscribe', async (t) => {
    t.mock.timers.enable({ apis: ['setInterval'] });
    const c = await raw();
    const reply = await c.ask({ op: 'subscribe', id: 'sub', intervalMs: 1 });
    assert.deepEqual(reply, { id: 'sub', ok: true, intervalMs: MIN_INTERVAL_MS });
    const first = await c.next();
    assert.deepEqual(first, {
      id: 'sub',
      ok: true,
      event: 'stats',
      stats: { ...target.stats(), uptimeMs: 1 },
    });
    // The server writes a tick's events synchronously inside tick(), so the reply to a request
    // sent after it comes after them: a round trip shows exactly the events that tick produced.
    const eventsAfter = async (ms: number): Promise<number[]> => {
      t.mock.timers.tick(ms);
      c.send('{"op":"policies","id":"probe"}');
      const uptimes: number[] = [];
      for (let m = await c.next(); m.id !== 'probe'; m = await c.next()) {
        uptimes.push((m as StatsEvent).stats.uptimeMs);
      }
      return uptimes;
    };
    assert.deepEqual(await eventsAfter(MIN_INTERVAL_MS - 1), []);
    assert.equal((await eventsAfter(1)).length, 1);
    const three = await eventsAfter(3 * MIN_INTERVAL_MS);
    assert.equal(three.length, 3);
    assert.ok(three[0]! < three[1]! && three[1]! < three[2]!, `monotonic uptime ${three}`);
    assert.deepEqual(await c.ask({ op: 'unsubscribe', id: 'u' }), { id: 'u', ok: true });
    assert.deepEqual(await eventsAfter(10 * MIN_INTERVAL_MS), []);
  });

  it('stops on disconnect and a new subscribe replaces the old one', async (t) => {
    t.mock.timers.enable({ apis: ['setInterval'] });
    const a = await raw();
    await a.ask({ op: 'subscribe', id: 'a', intervalMs: 100 });
    await a.next();
    await a.ask({ op: 'subscribe', id: 'a2', intervalMs: 100 });
    assert.equal(((await a.next()) as { id: unknown }).id, 'a2');
    t.mock.timers.tick(100);
    assert.equal(((await a.next()) as { id: unknown }).id, 'a2', 'only the newer subscription ticks');
    a.close();
    await a.closed;
    // The server has read the disconnect once another connection's round trip completes.
    const b = await raw();
    await b.ask({ op: 'policies' });
    const calls = target.statsCalls;
    t.mock.timers.tick(1000);
    await b.ask({ op: 'policies' });
    assert.equal(target.statsCalls, calls);
  });

  it('delivers N snapshots in order on real timers', async () => {
    const c = await client();
    const uptimes: number[] = [];
    let stop = (): void => {};
    await new Promise<void>((done) => {
      stop = c.subscribe(MIN_INTERVAL_MS, (s) => {
        uptimes.push(s.uptimeMs);
        if (uptimes.length === 4) done();
      });
    });
    stop();
    assert.deepEqual(
      uptimes,
      [...uptimes].sort((x, y) => x - y),
    );
    assert.equal(new Set(uptimes).size, 4);
  });
});

describe('ControlClient', () => {
  it('resolves replies, rejects refusals with ControlError, and serves many clients at once', async () => {
    const many = await Promise.all(Array.from({ length: 6 }, () => client()));
    const replies = await Promise.all(
      many.flatMap((c, i) => [
        c.request<PoliciesReply>('policies'),
        c.request<ActiveReply>('activate', { name: i % 2 ? 'slow' : 'lossy' }),
        c.request('stats'),
      ]),
    );
    assert.equal(replies.length, 18);
    assert.deepEqual(new Set(target.activePolicies()), new Set(['slow', 'lossy']));
    const err = await many[0]!.request('activate', { name: 'nope' }).catch((e: unknown) => e);
    assert.ok(err instanceof ControlError);
    assert.equal(err.message, 'name: no policy named "nope"');
    assert.deepEqual((await many[5]!.request<PoliciesReply>('policies')).registered, ['lossy', 'slow']);
  });

  it('rejects pending requests and tells the subscriber when the server goes away', async () => {
    const c = await client();
    const lost = new Promise<Error>((onError) => c.subscribe(1000, () => {}, onError));
    await c.request('stats');
    await server.close();
    assert.match((await lost).message, /closed/);
    await assert.rejects(c.request('stats'), /closed/);
    server = await ControlServer.listen(path, target);
  });

  it('fails to connect to a missing socket with its code', async () => {
    await assert.rejects(ControlClient.connect(join(root, 'missing.sock')), { code: 'ENOENT' });
  });
});

describe('faultnet policy', () => {
  const bin = resolve(dirname(fileURLToPath(import.meta.url)), '../../../bin/faultnet.js');
  const cli = (...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> =>
    new Promise((done) => {
      execFile(process.execPath, [bin, 'policy', ...args], (err, stdout, stderr) => {
        done({ code: err ? ((err as { code?: number }).code ?? -1) : 0, stdout, stderr });
      });
    });

  it('lists registered policies with * on the active ones', async () => {
    target.setActivePolicies(['slow']);
    assert.deepEqual(await cli('list', '--attach', path), {
      code: 0,
      stdout: '  lossy\n* slow\n',
      stderr: '',
    });
  });

  it('sets exactly the named policies and clears them', async () => {
    target.setActivePolicies(['slow']);
    const quiet = { code: 0, stdout: '', stderr: '' };
    assert.deepEqual(await cli('set', 'lossy', '--attach', path), quiet);
    assert.deepEqual(target.activePolicies(), ['lossy']);
    assert.deepEqual(await cli('set', 'slow', 'lossy', '--attach', path), quiet);
    assert.deepEqual(target.activePolicies(), ['slow', 'lossy']);
    assert.deepEqual(await cli('clear', '--attach', path), quiet);
    assert.deepEqual(target.activePolicies(), []);
  });

  it('registers a policy from a YAML file keyed by name', async () => {
    const file = join(dirname(path), 'policies.yaml');
    writeFileSync(file, 'fast:\n  latency: 2ms\nbroken:\n  jitter: "20"\n');
    assert.equal((await cli('register', 'fast', '--file', file, '--attach', path)).code, 0);
    assert.equal(target.registry.peek('fast')!.downlink.latencyMs, 2);
    const bad = await cli('register', 'broken', '--file', file, '--attach', path);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /^faultnet: policies\.broken\.jitter: expected a duration[^\n]*\n$/);
    const missing = await cli('register', 'other', '--file', file, '--attach', path);
    assert.deepEqual(
      missing.stderr,
      `faultnet: --file: ${file} has no policy named other (it has: fast, broken)\n`,
    );
    assert.deepEqual(target.registry.list(), ['fast', 'lossy', 'slow']);
  });

  it('exits 2 for an unknown name or bad flags and 1 when the socket is unreachable', async () => {
    target.setActivePolicies(['slow']);
    assert.deepEqual(await cli('set', 'slow', 'nope', '--attach', path), {
      code: 2,
      stdout: '',
      stderr: 'faultnet: policy set: no policy named nope (registered: lossy, slow)\n',
    });
    assert.deepEqual(target.activePolicies(), ['slow']);
    const noAttach = await cli('list');
    assert.equal(noAttach.code, 2);
    assert.match(noAttach.stderr, /^faultnet: .*attach[^\n]*\n$/);
    const noNames = await cli('set', '--attach', path);
    assert.equal(noNames.code, 2);
    const gone = join(root, 'gone.sock');
    assert.deepEqual(await cli('list', '--attach', gone), {
      code: 1,
      stdout: '',
      stderr: `faultnet: cannot connect to the control socket ${gone}: ENOENT\n`,
    });
  });
});
