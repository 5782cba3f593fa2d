import type { ControlClient, PoliciesReply } from '../src/control/index.js';
import type { TuiBackend } from './backend.js';

/** The TUI's view of a network reached through its control socket. */
export function controlBackend(client: ControlClient): TuiBackend {
  const send = async (op: string, fields?: object) => {
    await client.request(op, fields);
  };
  return {
    subscribe: (intervalMs, onStats, onError) => client.subscribe(intervalMs, onStats, onError),
    policies: async () => {
      const { registered, active, policies } = await client.request<PoliciesReply>('policies');
      return { registered, active, policies };
    },
    setPolicies: (names) => send('set', { names }),
    register: (name, policy) => send('register', { name, policy }),
    pause: () => send('pause'),
    resume: () => send('resume'),
    reset: () => send('reset'),
  };
}
