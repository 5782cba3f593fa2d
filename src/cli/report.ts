import { readFileSync } from 'node:fs';
import type { Argv } from 'yargs';
import { OptionError } from '../api/options.js';
import { writeOutputFile } from '../api/output-file.js';
import { type RunRecord, validateRunRecord } from '../api/run-record.js';
import { renderReport } from '../report/html.js';

export function reportOptions(y: Argv) {
  return y
    .option('input', { type: 'string', demandOption: true, describe: 'run record written by run --run-json' })
    .option('output', { type: 'string', demandOption: true, describe: 'HTML file to write' })
    .option('max-events', { type: 'number', default: 500, describe: 'list at most this many events' });
}

export interface ReportArgs {
  input: string;
  output: string;
  'max-events': number;
}

/** Renders a run record into one static HTML file. */
export function reportCommand(args: ReportArgs): void {
  const maxEvents = args['max-events'];
  if (!Number.isInteger(maxEvents) || maxEvents < 0) {
    throw new OptionError(`--max-events: expected an integer >= 0, got ${JSON.stringify(maxEvents)}`);
  }
  let record: unknown;
  try {
    record = JSON.parse(readFileSync(args.input, 'utf8'));
  } catch (err) {
    throw new OptionError(`--input: cannot read a JSON run record: ${(err as Error).message.split('\n')[0]}`);
  }
  const problems = validateRunRecord(record);
  if (problems.length > 0) {
    throw new OptionError(
      `--input: not a faultnet run record: ${problems[0]} (${problems.length} problem(s))`,
    );
  }
  writeOutputFile(args.output, renderReport(record as RunRecord, { maxEvents }));
}
