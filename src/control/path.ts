import { join } from 'node:path';

/** Where `faultnet run` serves its control socket unless `--control PATH` says otherwise. */
export const CONTROL_DIR = '/run/faultnet';

/** The default control socket of the faultnet process `pid`. */
export function defaultControlPath(pid: number): string {
  return join(CONTROL_DIR, `${pid}.sock`);
}
