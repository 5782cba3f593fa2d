import { escapeHtml } from './escape.js';

/**
 * Inline SVG charts for the report: no script, no external resource, sizes in user units so the
 * browser scales them with the page.
 */

export interface Bar {
  label: string;
  value: number;
  /** CSS class of the bar (its colour comes from the report's stylesheet). */
  tone: string;
}

const WIDTH = 640;
const LABEL_WIDTH = 170;
const VALUE_WIDTH = 90;
const ROW = 22;

function formatNumber(n: number): string {
  if (Number.isInteger(n)) return n.toLocaleString('en-US');
  return n.toFixed(n < 10 ? 2 : 1);
}

/** Horizontal bars, one per row, scaled to the largest value. */
export function barChart(title: string, bars: readonly Bar[], unit = ''): string {
  const max = Math.max(1, ...bars.map((b) => b.value));
  const span = WIDTH - LABEL_WIDTH - VALUE_WIDTH;
  const height = bars.length * ROW + 8;
  const rows = bars.map((b, i) => {
    const y = 4 + i * ROW;
    const w = b.value <= 0 ? 0 : Math.max(1, (b.value / max) * span);
    return (
      `<text x="${LABEL_WIDTH - 8}" y="${y + 15}" text-anchor="end">${escapeHtml(b.label)}</text>` +
      `<rect class="${escapeHtml(b.tone)}" x="${LABEL_WIDTH}" y="${y + 3}" width="${w.toFixed(1)}" height="${ROW - 6}" rx="2"/>` +
      `<text x="${(LABEL_WIDTH + w + 6).toFixed(1)}" y="${y + 15}">${escapeHtml(formatNumber(b.value) + unit)}</text>`
    );
  });
  return (
    `<svg class="chart" viewBox="0 0 ${WIDTH} ${height}" role="img" aria-label="${escapeHtml(title)}">` +
    `<title>${escapeHtml(title)}</title>${rows.join('')}</svg>`
  );
}

export interface DelayRow {
  label: string;
  /** Configured one-way latency and jitter, ms. */
  latencyMs: number;
  jitterMs: number;
  /** Measured added delay, ms; count 0 means nothing was measured. */
  count: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
}

/**
 * Configured against measured delay: per row, a band for latency ± jitter, a bar from 0 to the
 * measured median and a whisker from p95 to p99.
 */
export function delayChart(title: string, rows: readonly DelayRow[]): string {
  const max = Math.max(1, ...rows.map((r) => Math.max(r.latencyMs + r.jitterMs, r.p99Ms)));
  // Room right of the largest value for its "p50 · p99" label.
  const span = WIDTH - LABEL_WIDTH - 2 * VALUE_WIDTH;
  const x = (ms: number) => (LABEL_WIDTH + (Math.max(0, ms) / max) * span).toFixed(1);
  const rowHeight = ROW * 2;
  const height = rows.length * rowHeight + 30;
  const body = rows.map((r, i) => {
    const y = 4 + i * rowHeight;
    const configured =
      `<rect class="configured" x="${x(r.latencyMs - r.jitterMs)}" y="${y + 3}" width="${(
        Number(x(r.latencyMs + r.jitterMs)) - Number(x(r.latencyMs - r.jitterMs))
      ).toFixed(1)}" height="${ROW - 8}" rx="2"/>` +
      `<line class="configured-mark" x1="${x(r.latencyMs)}" x2="${x(r.latencyMs)}" y1="${y + 1}" y2="${y + ROW - 3}"/>`;
    const measured =
      r.count === 0
        ? `<text x="${LABEL_WIDTH}" y="${y + ROW + 13}" class="muted">not measured</text>`
        : `<rect class="measured" x="${LABEL_WIDTH}" y="${y + ROW + 1}" width="${(Number(x(r.p50Ms)) - LABEL_WIDTH).toFixed(1)}" height="${ROW - 8}" rx="2"/>` +
          `<line class="whisker" x1="${x(r.p95Ms)}" x2="${x(r.p99Ms)}" y1="${y + ROW + 8}" y2="${y + ROW + 8}"/>` +
          `<text x="${(Number(x(r.p99Ms)) + 6).toFixed(1)}" y="${y + ROW + 13}">p50 ${escapeHtml(formatNumber(r.p50Ms))} · p99 ${escapeHtml(formatNumber(r.p99Ms))} ms</text>`;
    return (
      `<text x="${LABEL_WIDTH - 8}" y="${y + 15}" text-anchor="end">${escapeHtml(r.label)}</text>` +
      `<text x="${LABEL_WIDTH - 8}" y="${y + ROW + 13}" text-anchor="end" class="muted">measured</text>` +
      configured +
      measured
    );
  });
  const axisY = rows.length * rowHeight + 12;
  const axis =
    `<line class="axis" x1="${LABEL_WIDTH}" x2="${x(max)}" y1="${axisY}" y2="${axisY}"/>` +
    `<text x="${LABEL_WIDTH}" y="${axisY + 14}">0</text>` +
    `<text x="${x(max)}" y="${axisY + 14}" text-anchor="end">${escapeHtml(formatNumber(max))} ms</text>`;
  return (
    `<svg class="chart" viewBox="0 0 ${WIDTH} ${height}" role="img" aria-label="${escapeHtml(title)}">` +
    `<title>${escapeHtml(title)}</title>${body.join('')}${axis}</svg>`
  );
}
