import type { Key } from 'ink';
import { LATENCY_STEP_MS, LOSS_STEP } from './tuning.js';

/** What a key press means, before it meets the screen's state. */
export type Intent =
  /** Number keys: switch to the n-th registered policy (0-based); -1 (key 0) deactivates all. */
  | { kind: 'select'; index: number }
  | { kind: 'cursor'; delta: 1 | -1 }
  /** Enter: switch to the policy under the cursor. */
  | { kind: 'switch-cursor' }
  /** Space: add the policy under the cursor to the active set, or take it out. */
  | { kind: 'toggle-cursor' }
  | { kind: 'pause' }
  | { kind: 'tune'; latencyMs: number; loss: number }
  | { kind: 'reset' }
  | { kind: 'help' }
  | { kind: 'quit' };

/** The keys, as the help overlay lists them. */
export const KEY_HELP: readonly (readonly [string, string])[] = [
  ['1-9', 'switch to that registered policy (0: none)'],
  ['←/→ tab', 'move the policy cursor'],
  ['enter', 'switch to the policy under the cursor'],
  ['space', 'activate/deactivate the policy under the cursor'],
  ['p', 'pause/resume all faults'],
  ['+ / -', `latency ±${LATENCY_STEP_MS}ms (both directions)`],
  ['] / [', `loss ±${LOSS_STEP * 100}% (both directions)`],
  ['', 'tuning registers <policy>.tuned and activates it in its place'],
  ['r', 'reset counters'],
  ['?', 'this help'],
  ['q ctrl-c', 'quit'],
];

export function keyIntent(input: string, key: Key): Intent | null {
  if (input === 'q' || (key.ctrl && input === 'c')) return { kind: 'quit' };
  if (/^[0-9]$/.test(input)) return { kind: 'select', index: Number(input) - 1 };
  if (key.rightArrow || key.downArrow || (key.tab && !key.shift)) return { kind: 'cursor', delta: 1 };
  if (key.leftArrow || key.upArrow || (key.tab && key.shift)) return { kind: 'cursor', delta: -1 };
  if (key.return) return { kind: 'switch-cursor' };
  switch (input) {
    case ' ':
      return { kind: 'toggle-cursor' };
    case 'p':
      return { kind: 'pause' };
    case '+':
    case '=':
      return { kind: 'tune', latencyMs: LATENCY_STEP_MS, loss: 0 };
    case '-':
      return { kind: 'tune', latencyMs: -LATENCY_STEP_MS, loss: 0 };
    case ']':
      return { kind: 'tune', latencyMs: 0, loss: LOSS_STEP };
    case '[':
      return { kind: 'tune', latencyMs: 0, loss: -LOSS_STEP };
    case 'r':
      return { kind: 'reset' };
    case '?':
      return { kind: 'help' };
    default:
      return null;
  }
}
