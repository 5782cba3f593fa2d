import { useApp, useInput } from 'ink';
import { useCallback, useEffect, useRef, useState } from 'react';
import type { TuiBackend } from './backend.js';
import { type Command, pendingText, runCommand } from './commands.js';
import { keyIntent } from './keymap.js';
import { errorText } from './use-policies.js';

export interface Status {
  text: string;
  tone: 'info' | 'pending' | 'error';
}

export interface Controls {
  /** Index into the registered policies. */
  cursor: number;
  help: boolean;
  status: Status;
}

export interface ControlsInput {
  backend: TuiBackend;
  registered: readonly string[];
  paused: boolean;
  /** Re-reads the policies after a command, so the screen shows its effect. */
  refresh: () => Promise<void>;
  onQuit?: () => void;
}

/**
 * Turns key presses into commands. Commands run one after another, in key order, and each one's
 * outcome replaces the status line.
 */
export function useControls({ backend, registered, paused, refresh, onQuit }: ControlsInput): Controls {
  const { exit } = useApp();
  const [cursor, setCursor] = useState(0);
  const [help, setHelp] = useState(false);
  const [status, setStatus] = useState<Status>({ text: 'press ? for keys', tone: 'info' });
  const queue = useRef(Promise.resolve());
  // The snapshot says whether faults are paused, but only on its next tick; p must toggle from
  // what the last p did.
  const pausedRef = useRef(paused);
  useEffect(() => {
    pausedRef.current = paused;
  }, [paused]);

  const run = useCallback(
    (command: Command) => {
      setStatus({ text: pendingText(command), tone: 'pending' });
      queue.current = queue.current.then(async () => {
        try {
          const text = await runCommand(backend, command);
          if (command.kind === 'pause' || command.kind === 'resume')
            pausedRef.current = command.kind === 'pause';
          await refresh();
          setStatus({ text, tone: 'info' });
        } catch (err) {
          setStatus({ text: `failed: ${errorText(err)}`, tone: 'error' });
        }
      });
    },
    [backend, refresh],
  );

  useInput((input, key) => {
    const intent = keyIntent(input, key);
    if (intent?.kind === 'quit') {
      onQuit?.();
      exit();
      return;
    }
    if (help) {
      setHelp(false);
      return;
    }
    if (intent === null) return;
    const count = registered.length;
    switch (intent.kind) {
      case 'select':
        if (intent.index < 0) run({ kind: 'switch', name: null });
        else if (intent.index < count) {
          setCursor(intent.index);
          run({ kind: 'switch', name: registered[intent.index]! });
        } else setStatus({ text: `no policy ${intent.index + 1} (${count} registered)`, tone: 'error' });
        return;
      case 'cursor':
        if (count > 0) setCursor((c) => (Math.min(c, count - 1) + intent.delta + count) % count);
        return;
      case 'switch-cursor':
      case 'toggle-cursor': {
        const name = registered[Math.min(cursor, count - 1)];
        if (name === undefined) setStatus({ text: 'no policies registered', tone: 'error' });
        else run(intent.kind === 'switch-cursor' ? { kind: 'switch', name } : { kind: 'toggle', name });
        return;
      }
      case 'pause':
        run({ kind: pausedRef.current ? 'resume' : 'pause' });
        return;
      case 'tune':
        run({ kind: 'tune', latencyMs: intent.latencyMs, loss: intent.loss });
        return;
      case 'reset':
        run({ kind: 'reset' });
        return;
      case 'help':
        setHelp(true);
        return;
    }
  });

  return { cursor: Math.max(0, Math.min(cursor, registered.length - 1)), help, status };
}
