import { createSocket, type Socket } from 'node:dgram';
import { bindLoopback } from './listen.js';

/** A UDP server on 127.0.0.1 that sends every datagram back to its sender. */
export async function startUdpEcho(): Promise<{ port: number; socket: Socket }> {
  const socket = createSocket('udp4');
  socket.on('message', (msg, rinfo) => socket.send(msg, rinfo.port, rinfo.address));
  return { port: await bindLoopback(socket), socket };
}
