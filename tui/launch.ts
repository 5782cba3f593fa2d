import type { TuiLaunch } from '../src/cli/tui-launcher.js';
import { ControlClient } from '../src/control/client.js';
import { runTui } from './app.js';
import { controlBackend } from './control-backend.js';

/** Shows the TUI of the network behind `socketPath` until the user quits. */
export async function launch({ socketPath, logPath, title, signal }: TuiLaunch): Promise<void> {
  const client = await ControlClient.connect(socketPath);
  await runTui({
    backend: controlBackend(client),
    logPath,
    title,
    signal,
    onQuit: () => client.close(),
  });
}
