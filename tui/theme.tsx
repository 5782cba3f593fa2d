import { createContext, useContext } from 'react';

/** Colours by meaning; every one is undefined under NO_COLOR, so `<Text color={...}>` prints plain text. */
export interface Theme {
  accent?: string;
  good?: string;
  warn?: string;
  bad?: string;
  muted?: string;
}

export const COLORS: Theme = { accent: 'cyan', good: 'green', warn: 'yellow', bad: 'red', muted: 'gray' };
export const NO_COLORS: Theme = {};

/** https://no-color.org: a NO_COLOR that is present and not empty turns colour off. */
export function themeFromEnv(env: NodeJS.ProcessEnv): Theme {
  return env.NO_COLOR ? NO_COLORS : COLORS;
}

export const ThemeContext = createContext<Theme>(COLORS);

export function useTheme(): Theme {
  return useContext(ThemeContext);
}
