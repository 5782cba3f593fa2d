export { App, type AppProps, REFRESH_MS, type RunTuiOptions, runTui } from './app.js';
export type { PolicyList, TuiBackend } from './backend.js';
export { controlBackend } from './control-backend.js';
export { COLORS, NO_COLORS, type Theme, themeFromEnv } from './theme.js';
