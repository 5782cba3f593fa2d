"""Sends COUNT datagrams of mixed sizes (1..MAX bytes, seeded) to HOST:PORT with WINDOW in flight,
checks every echo byte for byte, and prints one JSON line: sent, received, mismatched, max_size."""
import json
import random
import socket
import sys

host, port, count, max_size = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
# Datagrams in flight: loopback socket buffers (rmem_default, ~208 KiB) hold a window of 16 MTU-sized
# datagrams, but only two of 64 KiB.
window = int(sys.argv[5]) if len(sys.argv) > 5 else 16
family = socket.AF_INET6 if ':' in host else socket.AF_INET
sock = socket.socket(family, socket.SOCK_DGRAM)
sock.settimeout(5)
rng = random.Random(1234)
sizes = [max_size if i % 10 == 0 else rng.randint(1, max_size) for i in range(count)]
expected = {}
sent = received = mismatched = 0


def payload(i):
    head = i.to_bytes(4, 'big')
    body = bytes((i + k) & 0xFF for k in range(max(0, sizes[i] - 4)))
    return (head + body)[: sizes[i]] if sizes[i] >= 4 else head[: sizes[i]]


def receive_one():
    global received, mismatched
    data = sock.recv(65535)
    if len(data) >= 4:
        i = int.from_bytes(data[:4], 'big')
        if expected.pop(i, None) == data:
            received += 1
            return
    mismatched += 1


try:
    for i in range(count):
        if sizes[i] < 4:
            sizes[i] = 4
        data = payload(i)
        expected[i] = data
        sock.sendto(data, (host, port))
        sent += 1
        if sent - received - mismatched >= window:
            receive_one()
    while received + mismatched < sent:
        receive_one()
except socket.timeout:
    pass
print(json.dumps({'sent': sent, 'received': received, 'mismatched': mismatched, 'max_size': max(sizes)}))
