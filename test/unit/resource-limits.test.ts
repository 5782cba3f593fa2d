import assert from 'node:assert/strict';
import { test } from 'node:test';
import { OptionError, parseLimits } from '../../src/api/options.js';
import { RESERVED_DESCRIPTORS } from '../../src/egress/limits.js';

const flag = (name: string) => `--${name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;

test('host socket limits: the defaults leave a fifth of the descriptors, at any open-file limit', () => {
  for (const nofile of [1024, 65_536, 1_048_576]) {
    const { sockets } = parseLimits({}, flag, nofile);
    assert.ok(sockets.maxTcp + sockets.maxUdp <= nofile - RESERVED_DESCRIPTORS, `${nofile}`);
  }
});

test('host socket limits that would take the descriptors faultnet keeps are refused, naming the flag', () => {
  assert.throws(
    () => parseLimits({ maxHostTcp: 1000 }, flag, 1024),
    (err: unknown) =>
      err instanceof OptionError &&
      /^--max-host-tcp: 1000 TCP \+ 102 UDP host sockets leave fewer than 128 of the 1024 open files/.test(
        err.message,
      ),
  );
  assert.throws(() => parseLimits({ maxHostUdp: 300 }, flag, 1024), /--max-host-udp: 716 TCP \+ 300 UDP/);
  const fits = parseLimits({ maxHostTcp: 1024 - RESERVED_DESCRIPTORS - 102 }, flag, 1024);
  assert.equal(fits.sockets.maxTcp, 794);
});
