"""Writes hand-built IP packets straight into tun0 through a packet socket, bypassing the
namespace's routing (which would keep 127.0.0.1 or ::1 on its own loopback): what a hostile root
program can do. Each argument is KIND:DST:PORT[xCOUNT] with KIND one of udp4, udp6, syn4, syn6;
every packet comes from the namespace's own address, each from its own source port. Prints the
number of packets written."""
import socket
import struct
import sys

SRC4 = socket.inet_pton(socket.AF_INET, '10.0.2.100')
SRC6 = socket.inet_pton(socket.AF_INET6, 'fd00:fa17::100')


def checksum(data):
    if len(data) % 2:
        data += b'\0'
    s = sum(struct.unpack('!%dH' % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def transport(proto, src, dst, sport, dport):
    if proto == 17:
        body = b'hostile'
        seg = struct.pack('!HHHH', sport, dport, 8 + len(body), 0) + body
    else:
        seg = struct.pack('!HHIIBBHHH', sport, dport, 1, 0, 5 << 4, 0x02, 65535, 0, 0)
    pseudo = src + dst + (struct.pack('!BBH', 0, proto, len(seg)) if len(src) == 4 else struct.pack('!IxxxB', len(seg), proto))
    c = checksum(pseudo + seg)
    at = 6 if proto == 17 else 16
    return seg[:at] + struct.pack('!H', c or 0xFFFF) + seg[at + 2:]


def packet(kind, dst_text, dport, sport):
    proto = 17 if kind.startswith('udp') else 6
    if kind.endswith('4'):
        dst = socket.inet_pton(socket.AF_INET, dst_text)
        seg = transport(proto, SRC4, dst, sport, dport)
        hdr = struct.pack('!BBHHHBBH4s4s', 0x45, 0, 20 + len(seg), sport, 0, 64, proto, 0, SRC4, dst)
        hdr = hdr[:10] + struct.pack('!H', checksum(hdr)) + hdr[12:]
        return hdr + seg
    dst = socket.inet_pton(socket.AF_INET6, dst_text)
    seg = transport(proto, SRC6, dst, sport, dport)
    return struct.pack('!IHBB16s16s', 6 << 28, len(seg), proto, 64, SRC6, dst) + seg


s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
s.bind(('tun0', 0))
n = 0
for arg in sys.argv[1:]:
    kind, rest = arg.split(':', 1)
    dst, port = rest.rsplit(':', 1)
    port, _, count = port.partition('x')
    for _ in range(int(count or 1)):
        s.send(packet(kind, dst, int(port), 20000 + n))
        n += 1
print(n, flush=True)
