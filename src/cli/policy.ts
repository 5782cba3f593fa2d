import { readFileSync } from 'node:fs';
import type { Argv } from 'yargs';
import { OptionError } from '../api/options.js';
import { ControlClient, ControlError } from '../control/client.js';
import type { ActiveReply, PoliciesReply, RegisterReply } from '../control/protocol.js';
import { PolicyError } from '../policy/errors.js';
import { parsePolicyText } from '../policy/registry.js';

/** `faultnet policy ...`: the control-socket client for another terminal or a script. */
export function policyCommands(y: Argv) {
  return y
    .usage('faultnet policy list|set NAME...|clear|register NAME --file F --attach SOCKET')
    .option('attach', {
      type: 'string',
      demandOption: true,
      describe:
        'the control socket of the running network (faultnet run --control PATH, else /run/faultnet/PID.sock)',
    })
    .command(
      'list',
      'print the registered policies, one per line, "*" marking the active ones',
      (c) => c,
      (args) => attach(args.attach, list),
    )
    .command(
      'set <names..>',
      'make exactly these policies active, at once',
      (c) => c.positional('names', { type: 'string', array: true, demandOption: true }),
      (args) => attach(args.attach, (client) => set(client, args.names.map(String))),
    )
    .command(
      'clear',
      'deactivate every policy: traffic passes without faults',
      (c) => c,
      (args) => attach(args.attach, (client) => client.request<ActiveReply>('clear')),
    )
    .command(
      'register <name>',
      'register (or replace) policy NAME from a JSON or YAML policy file keyed by policy name',
      (c) =>
        c.positional('name', { type: 'string', demandOption: true }).option('file', {
          type: 'string',
          demandOption: true,
          describe: 'the policy file to read NAME from',
        }),
      (args) => {
        const policy = readPolicy(args.file, args.name);
        return attach(args.attach, (client) =>
          client.request<RegisterReply>('register', { name: args.name, policy }),
        );
      },
    )
    .demandCommand(1, 'name a policy command: list, set, clear or register (see --help)');
}

/**
 * Runs `fn` on a connection to `path`. A server's refusal is bad input (OptionError, exit 2); not
 * reaching the socket or losing it is a plain Error (exit 1).
 */
async function attach(path: string, fn: (client: ControlClient) => Promise<unknown>): Promise<void> {
  if (path === '') throw new OptionError('--attach: expected the path of a control socket');
  let client: ControlClient;
  try {
    client = await ControlClient.connect(path);
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
    throw new Error(`cannot connect to the control socket ${path}: ${reason}`);
  }
  try {
    await fn(client);
  } catch (err) {
    if (err instanceof ControlError) throw new OptionError(err.message);
    throw err;
  } finally {
    client.close();
  }
}

async function list(client: ControlClient): Promise<void> {
  const { registered, active } = await client.request<PoliciesReply>('policies');
  const lines = registered.map((name) => `${active.includes(name) ? '*' : ' '} ${name}\n`);
  process.stdout.write(lines.join(''));
}

async function set(client: ControlClient, names: string[]): Promise<void> {
  // Checked here too so the error can list what exists; the server checks again, atomically.
  const { registered } = await client.request<PoliciesReply>('policies');
  const unknown = names.filter((name) => !registered.includes(name));
  if (unknown.length > 0) {
    const known = registered.length > 0 ? registered.join(', ') : 'none';
    throw new OptionError(`policy set: no policy named ${unknown.join(', ')} (registered: ${known})`);
  }
  await client.request<ActiveReply>('set', { names });
}

function readPolicy(file: string, name: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new OptionError(`--file: cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? err}`);
  }
  let root: unknown;
  try {
    root = parsePolicyText(text, file);
  } catch (err) {
    if (err instanceof PolicyError) throw new OptionError(err.message);
    throw err;
  }
  if (typeof root !== 'object' || root === null || Array.isArray(root) || !Object.hasOwn(root, name)) {
    const names = typeof root === 'object' && root !== null ? Object.keys(root).join(', ') : '';
    throw new OptionError(`--file: ${file} has no policy named ${name} (it has: ${names || 'none'})`);
  }
  return (root as Record<string, unknown>)[name];
}
