#!/usr/bin/env node
import { hideBin, runCli } from '../dist/src/cli/main.js';
import { setTuiLauncher } from '../dist/src/cli/tui-launcher.js';

const CI_VARIABLES = ['CI', 'CONTINUOUS_INTEGRATION'];

/**
 * Ink renders only its last frame when CI is set (read once, when it loads). The TUI runs only on
 * a terminal, which is interactive whatever CI says: load it with those variables hidden.
 */
async function loadTui() {
  const saved = CI_VARIABLES.map((name) => [name, process.env[name]]);
  for (const name of CI_VARIABLES) delete process.env[name];
  try {
    return await import('../dist/tui/launch.js');
  } finally {
    for (const [name, value] of saved) if (value !== undefined) process.env[name] = value;
  }
}

// tui/ depends on src/, never the reverse: the TUI (ink, react: slow to load) is plugged in
// here, and loaded only when a command shows it.
setTuiLauncher(async (launch) => (await loadTui()).launch(launch));
await runCli(hideBin(process.argv));
