import { createSocket, type Socket } from 'node:dgram';
import dnsPacket from 'dns-packet';
import { bindLoopback } from './listen.js';

/**
 * The demo's authoritative DNS server on 127.0.0.1 (UDP): every name under `suffix` has one A
 * record, `address`, with TTL 0 so no resolver cache hides a lookup from faultnet; any other name
 * is NXDOMAIN. faultnet forwards the namespace's queries here (`dnsUpstream`).
 */
export async function startZoneServer(
  suffix: string,
  address: string,
): Promise<{ port: number; socket: Socket }> {
  const socket = createSocket('udp4');
  const zone = suffix.toLowerCase();
  socket.on('message', (msg, rinfo) => {
    let query: dnsPacket.Packet;
    try {
      query = dnsPacket.decode(msg);
    } catch {
      return;
    }
    const question = query.questions?.[0];
    if (!question) return;
    const name = question.name.toLowerCase();
    const inZone = name === zone || name.endsWith(`.${zone}`);
    const answers: dnsPacket.Answer[] =
      inZone && question.type === 'A' ? [{ type: 'A', name: question.name, ttl: 0, data: address }] : [];
    const response = dnsPacket.encode({
      id: query.id,
      type: 'response',
      flags: dnsPacket.AUTHORITATIVE_ANSWER | (inZone ? 0 : 3),
      questions: query.questions,
      answers,
    });
    socket.send(response, rinfo.port, rinfo.address);
  });
  return { port: await bindLoopback(socket), socket };
}
