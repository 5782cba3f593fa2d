/** The namespace side of the address plan (docs/ARCHITECTURE.md), slirp4netns-compatible. */
export const ADDRESSES = {
  ifname: 'tun0',
  address4: '10.0.2.100',
  prefix4: 24,
  gateway4: '10.0.2.2',
  dns4: '10.0.2.3',
  address6: 'fd00:fa17::100',
  prefix6: 64,
  gateway6: 'fd00:fa17::2',
  dns6: 'fd00:fa17::3',
} as const;
