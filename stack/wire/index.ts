// The wire formats of the userspace stack: checked views, parsed representations, emitters.

export * from './address.js';
export * from './bytes.js';
export * from './checksum.js';
export * from './icmp.js';
export * from './icmpv4.js';
export * from './icmpv6.js';
export * from './ip-protocol.js';
export * from './ipv4.js';
export * from './ipv6.js';
export * from './tcp.js';
export * from './udp.js';
