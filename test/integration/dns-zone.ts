import { createSocket, type Socket } from 'node:dgram';
import dnsPacket from 'dns-packet';

export type ZoneRecord = { type: 'A' | 'AAAA' | 'CNAME'; data: string } | { type: 'TXT'; data: string[] };

/** A tiny authoritative DNS server on the host loopback, answering from a fixed zone. */
export class ZoneServer {
  queries = 0;
  private constructor(
    readonly socket: Socket,
    readonly port: number,
  ) {}

  static async start(zone: Record<string, ZoneRecord[]>): Promise<ZoneServer> {
    const socket = createSocket('udp4');
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
    const server = new ZoneServer(socket, socket.address().port);
    socket.on('message', (msg, rinfo) => {
      server.queries++;
      const query = dnsPacket.decode(msg);
      const question = query.questions?.[0];
      if (!question) return;
      const answers: dnsPacket.Answer[] = [];
      let name = question.name.toLowerCase();
      for (let hops = 0; hops < 8; hops++) {
        const records = zone[name] ?? [];
        const cname = records.find((r): r is ZoneRecord & { type: 'CNAME' } => r.type === 'CNAME');
        if (cname && question.type !== 'CNAME') {
          answers.push({ type: 'CNAME', name, ttl: 30, data: cname.data });
          name = cname.data;
          continue;
        }
        for (const r of records) {
          if (r.type === question.type)
            answers.push({ type: r.type, name, ttl: 30, data: r.data } as dnsPacket.Answer);
        }
        break;
      }
      const known = zone[question.name.toLowerCase()] !== undefined;
      const response = dnsPacket.encode({
        id: query.id,
        type: 'response',
        flags: dnsPacket.AUTHORITATIVE_ANSWER | (known ? 0 : 3),
        questions: query.questions,
        answers,
      });
      socket.send(response, rinfo.port, rinfo.address);
    });
    return server;
  }

  close(): void {
    this.socket.close();
  }
}
