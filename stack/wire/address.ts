// Text forms of IP addresses: RFC 5952 canonical IPv6 output, strict dotted-quad IPv4. For logs,
// configuration and tests, not the per-packet path.

import { readU16, readU32, writeU16, writeU32 } from './bytes.js';

export function ipv4U32ToString(value: number): string {
  return `${value >>> 24}.${(value >>> 16) & 0xff}.${(value >>> 8) & 0xff}.${value & 0xff}`;
}

export function ipv4ToString(buf: Uint8Array, off: number): string {
  return ipv4U32ToString(readU32(buf, off));
}

const DECIMAL_OCTET = /^(?:0|[1-9][0-9]{0,2})$/;
const HEX_GROUP = /^[0-9a-fA-F]{1,4}$/;

/** Dotted quad to u32, or -1. Leading zeros are rejected (they read as octal elsewhere). */
export function parseIpv4ToU32(text: string): number {
  const parts = text.split('.');
  if (parts.length !== 4) return -1;
  let value = 0;
  for (const part of parts) {
    if (!DECIMAL_OCTET.test(part)) return -1;
    const octet = Number(part);
    if (octet > 255) return -1;
    value = value * 256 + octet;
  }
  return value;
}

/** Writes 4 bytes at `off`; false (nothing written) when `text` is not a dotted quad. */
export function parseIpv4Address(text: string, buf: Uint8Array, off: number): boolean {
  const value = parseIpv4ToU32(text);
  if (value < 0) return false;
  writeU32(buf, off, value);
  return true;
}

function isIpv4Mapped(buf: Uint8Array, off: number): boolean {
  for (let i = 0; i < 10; i++) if (buf[off + i] !== 0) return false;
  return buf[off + 10] === 0xff && buf[off + 11] === 0xff;
}

/** RFC 5952: lower-case hex, no leading zeros, `::` for the longest (first) run of 2+ zero groups. */
export function ipv6ToString(buf: Uint8Array, off: number): string {
  if (isIpv4Mapped(buf, off)) return `::ffff:${ipv4ToString(buf, off + 12)}`;
  let bestStart = -1;
  let bestLength = 1;
  let runStart = -1;
  for (let g = 0; g <= 8; g++) {
    const zero = g < 8 && readU16(buf, off + g * 2) === 0;
    if (zero && runStart < 0) runStart = g;
    if (!zero && runStart >= 0) {
      if (g - runStart > bestLength) {
        bestStart = runStart;
        bestLength = g - runStart;
      }
      runStart = -1;
    }
  }
  let text = '';
  for (let g = 0; g < 8; g++) {
    if (g === bestStart) {
      text += '::';
      g += bestLength - 1;
      continue;
    }
    if (text !== '' && !text.endsWith(':')) text += ':';
    text += readU16(buf, off + g * 2).toString(16);
  }
  return text;
}

// Parses hex groups, the last possibly a dotted quad, into `groups`; returns the count or -1.
function parseGroups(text: string, groups: number[], allowIpv4Tail: boolean): number {
  if (text === '') return 0;
  const parts = text.split(':');
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i]!;
    if (allowIpv4Tail && i === parts.length - 1 && part.includes('.')) {
      const v4 = parseIpv4ToU32(part);
      if (v4 < 0) return -1;
      groups.push(v4 >>> 16, v4 & 0xffff);
    } else {
      if (!HEX_GROUP.test(part)) return -1;
      groups.push(Number.parseInt(part, 16));
    }
  }
  return groups.length;
}

/**
 * Writes 16 bytes at `off`; false (nothing written) when `text` is not an IPv6 address. Accepts
 * `::` compression and an embedded IPv4 tail; rejects zone identifiers.
 */
export function parseIpv6Address(text: string, buf: Uint8Array, off: number): boolean {
  const gap = text.indexOf('::');
  if (gap >= 0 && text.indexOf('::', gap + 1) >= 0) return false;
  const head: number[] = [];
  const tail: number[] = [];
  if (gap < 0) {
    if (parseGroups(text, head, true) !== 8) return false;
  } else {
    if (parseGroups(text.slice(0, gap), head, false) < 0) return false;
    if (parseGroups(text.slice(gap + 2), tail, true) < 0) return false;
    if (head.length + tail.length > 7) return false;
  }
  for (let g = 0; g < 8; g++) writeU16(buf, off + g * 2, 0);
  for (let g = 0; g < head.length; g++) writeU16(buf, off + g * 2, head[g]!);
  for (let g = 0; g < tail.length; g++) writeU16(buf, off + (8 - tail.length + g) * 2, tail[g]!);
  return true;
}
