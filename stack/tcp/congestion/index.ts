// Congestion controllers selectable by name (per run, or per flow through
// TcpEndpoint.congestionFor).

import type { CongestionFactory } from './controller.js';
import { cubic } from './cubic.js';
import { newReno } from './reno.js';

export type { CongestionControl, CongestionFactory } from './controller.js';

export type CongestionName = 'cubic' | 'reno' | 'bbr';
export const CONGESTION_NAMES: readonly CongestionName[] = ['cubic', 'reno', 'bbr'];

export function congestionFactory(name: CongestionName): CongestionFactory {
  switch (name) {
    case 'cubic':
      return cubic;
    case 'reno':
      return newReno;
    case 'bbr':
      throw new Error('tcp congestion control bbr is not implemented yet');
  }
}
