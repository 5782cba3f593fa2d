import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import type { DnsUpstream } from './handler.js';

const DNS_PORT = 53;
// glibc's MAXNS: the C library ignores nameserver lines beyond the third.
const MAX_NAMESERVERS = 3;

/**
 * The host's resolvers as the C library reads them from resolv.conf(5): the first three valid
 * `nameserver` lines, port 53, an IPv6 `%scope` kept (a link-local server needs it to be reached).
 * Like the C library, a missing or unreadable file or one without nameservers means 127.0.0.1.
 */
export function readSystemResolvers(path = '/etc/resolv.conf'): DnsUpstream[] {
  let text = '';
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    // Treated as a file without nameservers, as the C library does.
  }
  const upstreams: DnsUpstream[] = [];
  for (const line of text.split('\n')) {
    const [keyword, address] = line.trim().split(/\s+/);
    if (keyword === 'nameserver' && address !== undefined && isIP(address) !== 0) {
      upstreams.push({ host: address, port: DNS_PORT });
    }
  }
  if (upstreams.length === 0) return [{ host: '127.0.0.1', port: DNS_PORT }];
  return upstreams.slice(0, MAX_NAMESERVERS);
}

/** Parses `--dns-upstream HOST[:PORT]`: `192.0.2.53`, `192.0.2.53:5353`, `::1`, `[::1]:5353`. */
export function parseUpstream(text: string): DnsUpstream {
  const value = text.trim();
  let host = value;
  let port: string | null = null;
  if (value.startsWith('[')) {
    const close = value.indexOf(']');
    const rest = close < 0 ? '' : value.slice(close + 1);
    host = close < 0 ? '' : value.slice(1, close);
    if (isIP(host) !== 6 || (rest !== '' && !rest.startsWith(':'))) throw badUpstream(text);
    if (rest !== '') port = rest.slice(1);
  } else if (isIP(value) !== 6) {
    const colon = value.lastIndexOf(':');
    if (colon >= 0) {
      host = value.slice(0, colon);
      port = value.slice(colon + 1);
    }
    if (isIP(host) !== 4) throw badUpstream(text);
  }
  return { host, port: port === null ? DNS_PORT : parsePort(port) };
}

function parsePort(text: string): number {
  const port = /^\d{1,5}$/.test(text) ? Number(text) : 0;
  if (port < 1 || port > 65535) throw new Error(`--dns-upstream: expected a port in 1-65535, got "${text}"`);
  return port;
}

function badUpstream(text: string): Error {
  return new Error(
    `--dns-upstream: expected an IP address with an optional port, like 192.0.2.53:5353, ::1 or [::1]:5353, got "${text}"`,
  );
}
