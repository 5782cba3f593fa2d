import { createServer } from 'node:http';
import { listenLoopback } from './listen.js';

/** Largest body `/bytes/N` serves. */
const MAX_BODY = 16 * 1024 * 1024;

/** An HTTP server on 127.0.0.1: `GET /bytes/N` answers N bytes; anything else is a 404. */
export async function startHttpServer(): Promise<{ port: number; close(): Promise<void> }> {
  const server = createServer((req, res) => {
    const match = /^\/bytes\/(\d+)$/.exec(req.url ?? '');
    const size = match ? Number(match[1]) : -1;
    if (size < 0 || size > MAX_BODY) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('try /bytes/N\n');
      return;
    }
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': size });
    res.end(Buffer.alloc(size, 0x61));
  });
  const port = await listenLoopback(server);
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
