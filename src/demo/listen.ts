import type { Socket } from 'node:dgram';
import type { AddressInfo } from 'node:net';

/** Anything with Node's `listen(port, host, cb)`: net and http servers. */
interface Listenable {
  listen(port: number, host: string, cb: () => void): unknown;
  once(event: 'error', cb: (err: Error) => void): unknown;
  address(): AddressInfo | string | null;
}

/** Listens on a free port of 127.0.0.1 only (the demo reaches nothing beyond this machine). */
export async function listenLoopback(server: Listenable): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  return (server.address() as AddressInfo).port;
}

/** Binds a UDP socket to a free port of 127.0.0.1 only; resolves the port. */
export async function bindLoopback(socket: Socket): Promise<number> {
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  return socket.address().port;
}
