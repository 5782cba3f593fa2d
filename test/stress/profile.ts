import { parseArgs } from 'node:util';

/** A stress run's settings: a mode's defaults, then $STRESS_MAX_* and flags on top. */
export interface StressProfile {
  mode: 'smoke' | 'long';
  /** Whole run, all phases together, in seconds. */
  durationS: number;
  workers: number;
  maxErrorRate: number;
  maxRssDeltaKb: number;
  /** Where to write the JSON record, if anywhere. */
  json: string | undefined;
}

/** Smoke fits the default test run (at most 30 s); long runs at least 10 minutes with 24 workers. */
const MODES = {
  smoke: { durationS: 14, workers: 4 },
  long: { durationS: 630, workers: 24 },
} as const;

const DEFAULT_MAX_ERROR_RATE = 0.02;
const DEFAULT_MAX_RSS_DELTA_KB = 131072;

/** A bad flag or environment value: the harness prints it and exits 2. */
export class ProfileError extends Error {}

function number(text: string, name: string, min: number, max: number, integer: boolean): number {
  const n = Number(text);
  if (text.trim() === '' || !Number.isFinite(n) || n < min || n > max || (integer && !Number.isInteger(n))) {
    throw new ProfileError(
      `${name}: expected ${integer ? 'an integer' : 'a number'} from ${min} to ${max}, got ${JSON.stringify(text)}`,
    );
  }
  return n;
}

export function parseProfile(argv: readonly string[], env: NodeJS.ProcessEnv): StressProfile {
  let values: Record<string, string | undefined>;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        mode: { type: 'string', default: 'smoke' },
        duration: { type: 'string' },
        workers: { type: 'string' },
        'max-error-rate': { type: 'string' },
        'max-rss-delta-kb': { type: 'string' },
        json: { type: 'string' },
      },
      strict: true,
      allowPositionals: false,
    }) as { values: Record<string, string | undefined> });
  } catch (err) {
    throw new ProfileError((err as Error).message);
  }
  const mode = values.mode;
  if (mode !== 'smoke' && mode !== 'long') {
    throw new ProfileError(`--mode: expected smoke or long, got ${JSON.stringify(mode)}`);
  }
  const defaults = MODES[mode];
  const errorRate = values['max-error-rate'] ?? env.STRESS_MAX_ERROR_RATE;
  const rssDelta = values['max-rss-delta-kb'] ?? env.STRESS_MAX_RSS_DELTA_KB;
  const errorName = values['max-error-rate'] === undefined ? 'STRESS_MAX_ERROR_RATE' : '--max-error-rate';
  const rssName = values['max-rss-delta-kb'] === undefined ? 'STRESS_MAX_RSS_DELTA_KB' : '--max-rss-delta-kb';
  return {
    mode,
    durationS:
      values.duration === undefined
        ? defaults.durationS
        : number(values.duration, '--duration', 1, 86400, false),
    workers:
      values.workers === undefined ? defaults.workers : number(values.workers, '--workers', 1, 256, true),
    maxErrorRate:
      errorRate === undefined ? DEFAULT_MAX_ERROR_RATE : number(errorRate, errorName, 0, 1, false),
    maxRssDeltaKb:
      rssDelta === undefined ? DEFAULT_MAX_RSS_DELTA_KB : number(rssDelta, rssName, 0, 2 ** 40, true),
    json: values.json,
  };
}
