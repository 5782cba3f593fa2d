import type { TuiBackend } from './backend.js';
import { policyInput } from './policy-input.js';
import { describeDirections } from './policy-text.js';
import { activeAfterTuning, type Tuning, tunePolicy, tuningBase } from './tuning.js';

/** A change the user asked the running network for. */
export type Command =
  /** Make this the only active policy; null deactivates all. */
  | { kind: 'switch'; name: string | null }
  /** Add this policy to the active set, or take it out. */
  | { kind: 'toggle'; name: string }
  | { kind: 'pause' }
  | { kind: 'resume' }
  | ({ kind: 'tune' } & Tuning)
  | { kind: 'reset' };

/** What the status line says while a command is in flight. */
export function pendingText(command: Command): string {
  switch (command.kind) {
    case 'switch':
      return command.name === null ? 'deactivating all policies…' : `switching to ${command.name}…`;
    case 'toggle':
      return `toggling ${command.name}…`;
    case 'pause':
      return 'pausing faults…';
    case 'resume':
      return 'resuming faults…';
    case 'tune':
      return 'tuning…';
    case 'reset':
      return 'resetting counters…';
  }
}

/**
 * Sends a command; resolves to what the status line says once it took effect. Commands that build
 * on the current policies read them afresh, so quick repeated keys each see the previous one's result.
 */
export async function runCommand(backend: TuiBackend, command: Command): Promise<string> {
  switch (command.kind) {
    case 'switch':
      await backend.setPolicies(command.name === null ? [] : [command.name]);
      return command.name === null ? 'no policy active: traffic passes untouched' : `active: ${command.name}`;
    case 'toggle': {
      const list = await backend.policies();
      const on = list.active.includes(command.name);
      await backend.setPolicies(
        on ? list.active.filter((n) => n !== command.name) : [...list.active, command.name],
      );
      return `${on ? 'deactivated' : 'activated'} ${command.name}`;
    }
    case 'pause':
      await backend.pause();
      return 'faults paused: traffic passes untouched (p resumes)';
    case 'resume':
      await backend.resume();
      return 'faults resumed';
    case 'tune': {
      const list = await backend.policies();
      const base = tuningBase(list);
      const tuned = tunePolicy(base, command);
      await backend.register(tuned.name, policyInput(tuned));
      await backend.setPolicies(activeAfterTuning(list.active, base.name, tuned.name));
      return `active: ${tuned.name} (${describeDirections(tuned.uplink, tuned.downlink)})`;
    }
    case 'reset':
      await backend.reset();
      return 'counters reset';
  }
}
