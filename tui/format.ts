/** Number formatting for a fixed-width terminal: short, decimal units, no locale. */

const SPARK_LEVELS = '▁▂▃▄▅▆▇█';

function scaled(value: number, units: readonly string[], base: number): string {
  let unit = 0;
  while (Math.abs(value) >= base && unit < units.length - 1) {
    value /= base;
    unit++;
  }
  const digits = unit === 0 || Math.abs(value) >= 100 ? 0 : Math.abs(value) >= 10 ? 1 : 2;
  return `${value.toFixed(digits)}${units[unit]}`;
}

/** 999, 1.23k, 45.6M. */
export function formatCount(n: number): string {
  return scaled(Math.round(n), ['', 'k', 'M', 'G', 'T'], 1000);
}

/** 512B, 1.50kB, 12.3MB (decimal). */
export function formatBytes(n: number): string {
  return scaled(Math.round(n), ['B', 'kB', 'MB', 'GB', 'TB'], 1000);
}

/** A link speed: 512kbit/s, 10.0Mbit/s. */
export function formatBits(bitsPerSecond: number): string {
  return `${scaled(bitsPerSecond, ['', 'k', 'M', 'G'], 1000)}bit/s`;
}

/** 0.25ms, 9.50ms, 50.2ms, 1.20s. */
export function formatMs(ms: number): string {
  if (ms >= 1000) return `${(ms / 1000).toFixed(2)}s`;
  return `${ms.toFixed(ms >= 100 ? 0 : ms >= 10 ? 1 : 2)}ms`;
}

/** A probability as a percentage: 5%, 0.5%, 0.05%. */
export function formatPercent(p: number): string {
  const pct = p * 100;
  return `${Number(pct.toPrecision(3))}%`;
}

/** 42s, 3m07s, 2h03m07s. */
export function formatUptime(ms: number): string {
  const s = Math.floor(ms / 1000);
  const two = (n: number) => String(n).padStart(2, '0');
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${two(s % 60)}s`;
  return `${Math.floor(s / 3600)}h${two(Math.floor(s / 60) % 60)}m${two(s % 60)}s`;
}

/** One block character per value, scaled so the largest value is a full block; blank when all are 0. */
export function sparkline(values: readonly number[]): string {
  const max = Math.max(0, ...values);
  if (max === 0) return ' '.repeat(values.length);
  let out = '';
  for (const v of values) {
    out +=
      v <= 0
        ? ' '
        : SPARK_LEVELS[Math.min(SPARK_LEVELS.length - 1, Math.floor((v / max) * SPARK_LEVELS.length))];
  }
  return out;
}

/**
 * Text from the network (a DNS name) made safe for the terminal: control characters, which could
 * move the cursor, set the title or change colours, are shown as `\xHH`.
 */
export function printable(text: string): string {
  return text.replace(
    /[\u0000-\u001f\u007f-\u009f]/g,
    (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`,
  );
}
