// DNS faults scoped to one method with the dns() decorator: inside it every lookup gets NXDOMAIN,
// outside it the same name resolves. Run: node dist/examples/dns-nxdomain.js
import { dns, Network } from 'faultnet';

class Lookups {
  constructor(private readonly net: Network) {}

  /** getent's exit code: 0 found, 2 not found. */
  async plain(name: string): Promise<number | null> {
    return (await this.net.exec('getent', ['hosts', name])).code;
  }

  @dns({ nxdomain: '100%' })
  async broken(name: string): Promise<number | null> {
    return this.plain(name);
  }
}

const net = await Network.start({ hosts: { 'api.test': '10.0.2.2' } });
try {
  const lookups = new Lookups(net);
  console.log(`before=${await lookups.plain('api.test')}`);
  console.log(`decorated=${await lookups.broken('api.test')}`);
  console.log(`after=${await lookups.plain('api.test')}`);
  // The same scope as a function wrapper.
  const wrapped = dns({ nxdomain: 1 })(() => lookups.plain('api.test'));
  console.log(`wrapped=${await wrapped()}`);
  console.log(`nxdomain_count=${net.stats().dns.nxdomain}`);
} finally {
  await net.close();
}
