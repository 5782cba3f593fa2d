import { isIP, SocketAddress } from 'node:net';

/**
 * The canonical text of an IP literal: dotted IPv4, or RFC 5952 IPv6 (the C library's inet_ntop,
 * which also prints IPv4-mapped addresses in mixed notation). A `%scope` suffix is dropped, since
 * name memory and reply matching compare addresses, not interfaces. Null for anything else.
 */
export function canonicalAddress(text: string): string | null {
  const scope = text.indexOf('%');
  const bare = scope < 0 ? text : text.slice(0, scope);
  const family = isIP(bare);
  // isIP accepts only plain dotted quads (no leading zeros), which are already canonical.
  if (family === 4) return bare;
  if (family === 6) return new SocketAddress({ address: bare, family: 'ipv6' }).address;
  return null;
}
