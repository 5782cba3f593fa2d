#!/usr/bin/env node
// The TUI registers itself with the CLI first: tui/ depends on src/, never the reverse.
import '../dist/tui/launch.js';
import '../dist/src/cli/main.js';
