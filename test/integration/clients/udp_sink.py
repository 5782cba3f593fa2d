"""A UDP sink on the host: prints its port, counts datagrams until SIGTERM, drains what is already
buffered, then prints count, bytes and the arrival span (first to last datagram) as JSON. The
receive buffer is forced to 32 MiB (root) so the sink itself never drops."""
import json
import signal
import socket
import time


class Stop(Exception):
    pass


def stop(_signum, _frame):
    raise Stop()


s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, 33, 32 << 20)  # SO_RCVBUFFORCE
s.bind(('127.0.0.1', 0))
count = size = 0
first = last = None


def take(data):
    global count, size, first, last
    now = time.monotonic()
    first = first if first is not None else now
    last = now
    count += 1
    size += len(data)


signal.signal(signal.SIGTERM, stop)
print(s.getsockname()[1], flush=True)
try:
    while True:
        take(s.recv(65535))
except Stop:
    pass
s.setblocking(False)
try:
    while True:
        take(s.recv(65535))
except BlockingIOError:
    pass
print(json.dumps({'count': count, 'bytes': size, 'span': (last - first) if count > 1 else 0}), flush=True)
