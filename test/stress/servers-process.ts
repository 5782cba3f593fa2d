/**
 * The stress run's servers in a process of their own, so the harness's RSS is faultnet's alone:
 * prints the ports as one JSON line, serves until its stdin closes.
 */
import { startDemoServers } from '../../src/demo/servers.js';

const servers = await startDemoServers();
const { tcpEchoPort, httpPort, udpEchoPort, dnsPort, dnsUpstream } = servers;
process.stdout.write(`${JSON.stringify({ tcpEchoPort, httpPort, udpEchoPort, dnsPort, dnsUpstream })}\n`);
process.stdin.resume();
process.stdin.on('end', () => {
  void servers.close().then(() => process.exit(0));
});
