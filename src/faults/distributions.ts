import type { Distribution } from '../policy/types.js';

/**
 * The jitter distributions of netem, as inverse-CDF tables of 4096 entries in units of sigma (netem
 * ships the same tables scaled by 8192 and clipped to a signed 16-bit value, so to ±4 sigma):
 * - normal: the standard normal quantile;
 * - pareto: netem's Pareto with shape 3, shifted to mean 0 and scaled by 4/3: ((1-p)^(-1/3) - 1.5) * 4/3;
 * - paretonormal: a quarter of the normal plus three quarters of the Pareto, at the same p.
 * A random p in [0, 1) indexes the table; uniform needs none (2p - 1).
 */

export const TABLE_SIZE = 4096;
const CLIP = 32767 / 8192;

/** Standard normal quantile (Acklam's rational approximation, relative error below 1.2e-9). */
export function normalQuantile(p: number): number {
  const a = [
    -39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716,
    2.506628277459239,
  ];
  const b = [
    -54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572,
  ];
  const c = [
    -0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968,
    2.938163982698783,
  ];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const tail = (q: number) =>
    (((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) /
    ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1);
  if (p < 0.02425) return tail(Math.sqrt(-2 * Math.log(p)));
  if (p > 1 - 0.02425) return -tail(Math.sqrt(-2 * Math.log(1 - p)));
  const q = p - 0.5;
  const r = q * q;
  return (
    ((((((a[0]! * r + a[1]!) * r + a[2]!) * r + a[3]!) * r + a[4]!) * r + a[5]!) * q) /
    (((((b[0]! * r + b[1]!) * r + b[2]!) * r + b[3]!) * r + b[4]!) * r + 1)
  );
}

export function paretoQuantile(p: number): number {
  return ((1 - p) ** (-1 / 3) - 1.5) * (4 / 3);
}

function clip(x: number): number {
  return Math.max(-CLIP, Math.min(CLIP, x));
}

/** The quantile netem's table holds for p, in units of sigma. */
export function distributionQuantile(distribution: Distribution, p: number): number {
  switch (distribution) {
    case 'uniform':
      return 2 * p - 1;
    case 'normal':
      return clip(normalQuantile(p));
    case 'pareto':
      return clip(paretoQuantile(p));
    case 'paretonormal':
      return (clip(normalQuantile(p)) + 3 * clip(paretoQuantile(p))) / 4;
  }
}

const tables = new Map<Distribution, Float64Array>();

/** The table for a distribution (built once), indexed by floor(p * TABLE_SIZE). */
export function distributionTable(distribution: Exclude<Distribution, 'uniform'>): Float64Array {
  let table = tables.get(distribution);
  if (table === undefined) {
    table = new Float64Array(TABLE_SIZE);
    for (let i = 0; i < TABLE_SIZE; i++)
      table[i] = distributionQuantile(distribution, (i + 0.5) / TABLE_SIZE);
    tables.set(distribution, table);
  }
  return table;
}
