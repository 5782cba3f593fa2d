/**
 * How many rows each panel gets. The screen is kept one row shorter than the terminal: Ink clears
 * the whole terminal on every frame once the output reaches its height, which flickers.
 */
export interface Layout {
  /** Two columns side by side instead of one. */
  wide: boolean;
  /** Width of one column. */
  width: number;
  /** Top flows shown. */
  flows: number;
  /** Rules shown (a row per direction, and a heading row when wide). */
  rules: number;
  /** Rows for policy fields. */
  policyLines: number;
  /** Characters of each sparkline. */
  sparkWidth: number;
}

const MIN_WIDE_COLUMNS = 120;
const MIN_WIDE_ROWS = 30;
/** The direction row without its sparkline. */
const RATE_TEXT_WIDTH = 36;
const MAX_SPARK = 60;
/** Narrow: header, 4 traffic rows, dns, discards, 3 section titles, policy list, status, keys. */
const NARROW_FIXED_ROWS = 13;
/** Wide body, left column: 3 section titles, 4 traffic rows, dns, discards, and the policy row that is not a field row. */
const WIDE_LEFT_FIXED_ROWS = 10;
/** Wide: header above the columns, status and keys below. */
const WIDE_FRAME_ROWS = 3;

export function planLayout(columns: number, rows: number): Layout {
  const budget = rows - 1;
  if (columns >= MIN_WIDE_COLUMNS && rows >= MIN_WIDE_ROWS) {
    const width = Math.floor((columns - 1) / 2);
    const body = budget - WIDE_FRAME_ROWS;
    const flows = Math.floor((body - 2) * 0.4);
    return {
      wide: true,
      width,
      flows,
      rules: Math.floor((body - 2 - flows) / 3),
      policyLines: body - WIDE_LEFT_FIXED_ROWS,
      sparkWidth: Math.max(0, Math.min(MAX_SPARK, width - RATE_TEXT_WIDTH)),
    };
  }
  let rest = Math.max(0, budget - NARROW_FIXED_ROWS);
  const policyLines = Math.min(2, rest);
  rest -= policyLines;
  const flows = Math.ceil(rest / 3);
  return {
    wide: false,
    width: columns,
    flows,
    rules: Math.floor((rest - flows) / 2),
    policyLines,
    sparkWidth: Math.max(0, Math.min(MAX_SPARK, columns - RATE_TEXT_WIDTH)),
  };
}
