import { render } from 'ink';
import type { TuiBackend } from './backend.js';
import { Dashboard } from './dashboard.js';
import { type Theme, ThemeContext, themeFromEnv } from './theme.js';
import { useControls } from './use-controls.js';
import { usePolicies } from './use-policies.js';
import { useStats } from './use-stats.js';
import { useTerminalSize } from './use-terminal-size.js';

/** Snapshots per second: the issue asks for at least 4. */
export const REFRESH_MS = 250;

export interface AppProps {
  backend: TuiBackend;
  title?: string;
  logPath?: string | undefined;
  /** Called when the user quits (q or ctrl-c), before the app unmounts. */
  onQuit?: () => void;
  intervalMs?: number;
}

export function App({ backend, title = 'faultnet', logPath, onQuit, intervalMs = REFRESH_MS }: AppProps) {
  const stats = useStats(backend, intervalMs);
  const snapshot = stats.snapshot;
  const policies = usePolicies(backend, snapshot?.policies.join('\n') ?? '');
  const controls = useControls({
    backend,
    registered: policies.list?.registered ?? [],
    paused: snapshot?.paused ?? false,
    refresh: policies.refresh,
    onQuit,
  });
  const size = useTerminalSize();
  const problem = stats.error ?? (policies.error === null ? null : `cannot read policies: ${policies.error}`);
  const status =
    problem !== null && controls.status.tone !== 'error'
      ? { text: problem, tone: 'error' as const }
      : controls.status;
  return (
    <Dashboard
      title={title}
      stats={stats}
      policies={policies.list}
      cursor={controls.cursor}
      help={controls.help}
      status={status}
      logPath={logPath}
      columns={size.columns}
      rows={size.rows}
    />
  );
}

export interface RunTuiOptions {
  backend: TuiBackend;
  /** Where the program's output goes; shown on the status line. */
  logPath?: string;
  title?: string;
  /** Called once the screen is restored, whichever way the user quit. */
  onQuit: () => void;
  /** The terminal; process.stdout / process.stdin by default. */
  stdout?: NodeJS.WriteStream;
  stdin?: NodeJS.ReadStream;
  theme?: Theme;
  /** Ends the TUI from outside (the program it watches exited), as if the user quit. */
  signal?: AbortSignal;
}

const ENTER_ALT_SCREEN = '\x1b[?1049h';
const LEAVE_ALT_SCREEN = '\x1b[?1049l';

/**
 * Shows the TUI on the terminal until the user quits. Runs on the alternate screen, so the
 * terminal's contents come back afterwards. Throws when stdout is not a terminal.
 */
export async function runTui(opts: RunTuiOptions): Promise<void> {
  const stdout = opts.stdout ?? process.stdout;
  const stdin = opts.stdin ?? process.stdin;
  if (!stdout.isTTY) {
    throw new Error(
      'faultnet tui needs an interactive terminal, but stdout is not a TTY (run it in a terminal, or use `faultnet run` without --tui)',
    );
  }
  if (!stdin.isTTY) {
    throw new Error(
      'faultnet tui needs an interactive terminal, but stdin is not a TTY (keys could not be read)',
    );
  }
  stdout.write(ENTER_ALT_SCREEN);
  try {
    const app = render(
      <ThemeContext.Provider value={opts.theme ?? themeFromEnv(process.env)}>
        <App backend={opts.backend} title={opts.title} logPath={opts.logPath} />
      </ThemeContext.Provider>,
      // Ink's incremental mode leaves stale rows behind on a full-height screen (ink 6.8); whole
      // frames inside synchronized-output brackets, which Ink adds on a TTY, do not flicker.
      { stdout, stdin, exitOnCtrlC: false, patchConsole: true },
    );
    const stop = () => app.unmount();
    opts.signal?.addEventListener('abort', stop, { once: true });
    if (opts.signal?.aborted) stop();
    await app.waitUntilExit();
    opts.signal?.removeEventListener('abort', stop);
  } finally {
    stdout.write(LEAVE_ALT_SCREEN);
  }
  opts.onQuit();
}
