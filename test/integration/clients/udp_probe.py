"""UDP probes from inside the namespace, one JSON line of results on stdout.

  oneway HOST PORT COUNT        send COUNT timestamped probes to a timestamp-echo server, one at a
                                time; report p50 of uplink (server receive - send) and downlink
                                (receive - server receive) one-way delays in ms. Namespaces share
                                the host's clock, so the one-way numbers are real.
  blast HOST PORT COUNT SIZE PPS  send COUNT datagrams of SIZE bytes at PPS per second; the sink
                                reports what arrived.
"""
import json
import socket
import statistics
import sys
import time


def oneway(host, port, count):
    s = socket.socket(socket.AF_INET6 if ':' in host else socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(2)
    up, down = [], []
    for i in range(count):
        sent = time.time()
        s.sendto(json.dumps({'i': i, 'sent': sent}).encode(), (host, port))
        while True:
            reply = json.loads(s.recv(2048))
            if reply['i'] == i:
                break
        received = time.time()
        up.append((reply['at'] - sent) * 1000)
        down.append((received - reply['at']) * 1000)
    print(json.dumps({'up_p50': statistics.median(up), 'down_p50': statistics.median(down)}))


def blast(host, port, count, size, pps):
    s = socket.socket(socket.AF_INET6 if ':' in host else socket.AF_INET, socket.SOCK_DGRAM)
    payload = b'x' * size
    start = time.monotonic()
    for i in range(count):
        # Pacing keeps the sender below what the path can carry, so only the fault under test drops.
        due = start + i / pps
        delay = due - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        s.sendto(payload, (host, port))
    print(json.dumps({'sent': count}))


if __name__ == '__main__':
    mode = sys.argv[1]
    if mode == 'oneway':
        oneway(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))
    else:
        blast(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]), float(sys.argv[6]))
