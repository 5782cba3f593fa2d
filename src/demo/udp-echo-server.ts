import { createSocket, type Socket } from 'node:dgram';

/** A UDP server on 127.0.0.1 that sends every datagram back to its sender. */
export async function startUdpEcho(): Promise<{ port: number; socket: Socket }> {
  const socket = createSocket('udp4');
  socket.on('message', (msg, rinfo) => socket.send(msg, rinfo.port, rinfo.address));
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  return { port: socket.address().port, socket };
}
