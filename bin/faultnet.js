#!/usr/bin/env node
import { hideBin, runCli } from '../dist/src/cli/main.js';
import { setTuiLauncher } from '../dist/src/cli/tui-launcher.js';

// tui/ depends on src/, never the reverse: the TUI (ink, react: slow to load) is plugged in
// here, and loaded only when a command shows it.
setTuiLauncher(async (launch) => (await import('../dist/tui/launch.js')).launch(launch));
await runCli(hideBin(process.argv));
