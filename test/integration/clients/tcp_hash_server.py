"""A host HTTP server for the TCP tests: GET serves files of a directory, PUT/POST hash the body.

Usage: tcp_hash_server.py DIRECTORY [HOST]. Prints the port it listens on, then serves until killed.
A PUT or POST answers `<sha256 hex> <byte count>` of the body it read.
"""

import hashlib
import http.server
import socket
import sys
from functools import partial


class Handler(http.server.SimpleHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def do_PUT(self):
        digest = hashlib.sha256()
        remaining = int(self.headers.get("Content-Length", "0"))
        count = 0
        while remaining > 0:
            chunk = self.rfile.read(min(remaining, 1 << 20))
            if not chunk:
                break
            digest.update(chunk)
            remaining -= len(chunk)
            count += len(chunk)
        body = f"{digest.hexdigest()} {count}\n".encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_POST = do_PUT


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True


def main():
    directory = sys.argv[1]
    host = sys.argv[2] if len(sys.argv) > 2 else "127.0.0.1"
    if ":" in host:
        Server.address_family = socket.AF_INET6
    server = Server((host, 0), partial(Handler, directory=directory))
    print(server.server_address[1], flush=True)
    server.serve_forever()


main()
