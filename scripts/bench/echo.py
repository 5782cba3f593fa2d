"""Echo server and round-trip client, the same code for every contender.

  echo.py serve udp|tcp HOST PORT          echo until killed (prints "ready" once listening)
  echo.py ping  udp|tcp HOST PORT COUNT    COUNT round trips of SIZE bytes on one socket /
                                           one connection; prints JSON percentiles in us

Both first warm up for WARMUP_SECONDS (at least WARMUP round trips, not measured): a
process that has just started (faultnet's JIT) is not what we compare.
UDP: 64-byte datagrams, one in flight, 1 s timeout per probe (a lost probe is counted, not
retried). TCP: 1-byte request, 1-byte response on one connection with TCP_NODELAY.
"""

import json
import socket
import sys
import time

WARMUP = 100
WARMUP_SECONDS = 1.0
UDP_SIZE = 64


def serve(proto, host, port):
    if proto == "udp":
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.bind((host, port))
        print("ready", flush=True)
        while True:
            data, peer = s.recvfrom(65535)
            s.sendto(data, peer)
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind((host, port))
    listener.listen(16)
    print("ready", flush=True)
    while True:
        conn, _ = listener.accept()
        conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        while True:
            data = conn.recv(65536)
            if not data:
                break
            conn.sendall(data)
        conn.close()


def percentile(sorted_values, p):
    if not sorted_values:
        return None
    i = min(len(sorted_values) - 1, int(round(p / 100 * (len(sorted_values) - 1))))
    return sorted_values[i]


def round_trip_udp(s, payload):
    """One probe's round trip in ns, or None when it was lost."""
    t0 = time.perf_counter_ns()
    s.send(payload)
    try:
        s.recv(65535)
    except socket.timeout:
        return None
    return time.perf_counter_ns() - t0


def round_trip_tcp(s, payload):
    t0 = time.perf_counter_ns()
    s.sendall(payload)
    if not s.recv(1):
        raise SystemExit("echo.py: the server closed the connection")
    return time.perf_counter_ns() - t0


def ping(proto, host, port, count):
    if proto == "udp":
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.settimeout(1.0)
        s.connect((host, port))
        payload, once = bytes(UDP_SIZE), round_trip_udp
    else:
        s = socket.create_connection((host, port), timeout=5.0)
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        payload, once = b"x", round_trip_tcp
    warm_until = time.monotonic() + WARMUP_SECONDS
    done = 0
    while done < WARMUP or time.monotonic() < warm_until:
        once(s, payload)
        done += 1
    results = [once(s, payload) for _ in range(count)]
    s.close()
    samples = [r for r in results if r is not None]
    lost = len(results) - len(samples)
    samples.sort()
    us = [v / 1000 for v in samples]
    print(
        json.dumps(
            {
                "count": len(us),
                "lost": lost,
                "p50Us": percentile(us, 50),
                "p99Us": percentile(us, 99),
                "meanUs": sum(us) / len(us) if us else None,
            }
        )
    )


def main():
    mode, proto, host, port = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    if mode == "serve":
        serve(proto, host, port)
    else:
        ping(proto, host, port, int(sys.argv[5]))


if __name__ == "__main__":
    main()
