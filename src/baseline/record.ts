import { writeOutputFile } from '../api/output-file.js';
import type { PhaseResult } from './phase-result.js';
import type { Workload } from './session.js';

/** What `--json F` stores: one comparison run, readable without faultnet. */
export interface ComparisonRecord {
  version: 1;
  /** `demo`, `baseline` or `stress`. */
  command: string;
  /** ISO time the run started. */
  startedAt: string;
  workload: Workload;
  /** The first phase is the baseline. */
  phases: PhaseResult[];
  /** Limits the run broke (stress only); empty when it passed. */
  failures?: string[];
}

export function writeRecord(path: string, record: Omit<ComparisonRecord, 'version'>): void {
  writeOutputFile(path, `${JSON.stringify({ version: 1, ...record }, null, 2)}\n`);
}
