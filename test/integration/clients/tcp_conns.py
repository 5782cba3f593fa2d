"""Many TCP connections against an echo server, from inside a faultnet namespace.

Usage:
  tcp_conns.py sequential HOST PORT N          N connections one after another
  tcp_conns.py parallel HOST PORT N            N connections at once (one thread each)
  tcp_conns.py hold HOST PORT N                N connections open together, each echoing twice
  tcp_conns.py churn HOST PORT RATE SECONDS    RATE connections per second (opened, echoed,
                                               closed) for SECONDS
Each connection sends a 64-byte message naming itself and must read it back; prints one JSON
line: ok (connections that echoed correctly), failed, seconds, and the first error seen.
"""

import json
import socket
import sys
import threading
import time

MESSAGE_LENGTH = 64


def message(i, round_):
    return f"conn {i} round {round_} ".encode().ljust(MESSAGE_LENGTH, b".")


def read_exactly(sock, n):
    data = b""
    while len(data) < n:
        chunk = sock.recv(n - len(data))
        if not chunk:
            raise ConnectionError(f"EOF after {len(data)} of {n} bytes")
        data += chunk
    return data


def one(host, port, i):
    with socket.create_connection((host, port), timeout=20) as s:
        m = message(i, 0)
        s.sendall(m)
        if read_exactly(s, len(m)) != m:
            raise ValueError(f"connection {i}: wrong echo")


class Tally:
    def __init__(self):
        self.ok = 0
        self.failed = 0
        self.error = None
        self.lock = threading.Lock()

    def run(self, fn, *args):
        try:
            fn(*args)
            with self.lock:
                self.ok += 1
        except Exception as e:  # noqa: BLE001 - every failure is counted and the first reported
            with self.lock:
                self.failed += 1
                if self.error is None:
                    self.error = repr(e)


def sequential(host, port, n, tally):
    for i in range(n):
        tally.run(one, host, port, i)


def parallel(host, port, n, tally):
    start = threading.Barrier(n)

    def worker(i):
        start.wait()
        tally.run(one, host, port, i)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


def hold(host, port, n, tally):
    socks = []
    try:
        for i in range(n):
            s = socket.create_connection((host, port), timeout=30)
            socks.append(s)
        for round_ in (0, 1):
            for i, s in enumerate(socks):
                s.sendall(message(i, round_))
            for i, s in enumerate(socks):
                m = message(i, round_)
                if read_exactly(s, len(m)) != m:
                    raise ValueError(f"connection {i}: wrong echo")
        tally.ok = len(socks)
    except Exception as e:  # noqa: BLE001
        tally.failed = n - tally.ok
        tally.error = repr(e)
    finally:
        for s in socks:
            s.close()


def churn(host, port, rate, seconds, tally):
    # Workers each take a share of the rate; every connection has its slot in time, so a slow
    # one delays only its own worker.
    workers = 16
    total = int(rate * seconds)
    start = time.monotonic()

    def worker(w):
        for k in range(w, total, workers):
            delay = start + k / rate - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            tally.run(one, host, port, k)

    threads = [threading.Thread(target=worker, args=(w,)) for w in range(workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


def main():
    mode, host, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
    tally = Tally()
    begin = time.monotonic()
    if mode == "sequential":
        sequential(host, port, int(sys.argv[4]), tally)
    elif mode == "parallel":
        parallel(host, port, int(sys.argv[4]), tally)
    elif mode == "hold":
        hold(host, port, int(sys.argv[4]), tally)
    elif mode == "churn":
        churn(host, port, float(sys.argv[4]), float(sys.argv[5]), tally)
    else:
        raise SystemExit(f"unknown mode {mode}")
    seconds = time.monotonic() - begin
    print(json.dumps({"ok": tally.ok, "failed": tally.failed, "seconds": round(seconds, 3), "error": tally.error}))


main()
