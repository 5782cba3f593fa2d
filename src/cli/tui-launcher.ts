/**
 * The seam between the CLI and the TUI: `tui/` depends on `src/`, never the reverse, so the TUI
 * registers its launcher here when the executable loads it (bin/faultnet.js).
 */
export interface TuiLaunch {
  /** Control socket of the network to show. */
  socketPath: string;
  /** Where the program's output goes, shown on screen. */
  logPath?: string;
  title?: string;
  /** Ends the TUI from outside, as if the user quit. */
  signal?: AbortSignal;
}

export type TuiLauncher = (launch: TuiLaunch) => Promise<void>;

let launcher: TuiLauncher | undefined;

export function setTuiLauncher(fn: TuiLauncher): void {
  launcher = fn;
}

/** Shows the TUI until the user quits; resolves then. */
export function launchTui(launch: TuiLaunch): Promise<void> {
  if (!launcher) throw new Error('the TUI is not available in this build (tui/launch.js not loaded)');
  return launcher(launch);
}
