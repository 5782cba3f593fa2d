import { setTuiLauncher } from '../src/cli/tui-launcher.js';
import { ControlClient } from '../src/control/client.js';
import { runTui } from './app.js';
import { controlBackend } from './control-backend.js';

setTuiLauncher(async ({ socketPath, logPath, title, signal }) => {
  const client = await ControlClient.connect(socketPath);
  await runTui({
    backend: controlBackend(client),
    ...(logPath === undefined ? {} : { logPath }),
    ...(title === undefined ? {} : { title }),
    ...(signal === undefined ? {} : { signal }),
    onQuit: () => client.close(),
  });
});
