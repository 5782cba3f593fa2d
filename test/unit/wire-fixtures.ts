// IP packets the Linux kernel produced (Ethernet header stripped), for checksum and parse tests.
//
// How they were made: two throwaway network namespaces joined by a veth pair (10.99.0.1/24 and
// fd99::1/64 on one end, 10.99.0.2/24 and fd99::2/64 on the other), checksum/segmentation offloads
// turned off on both ends with the SIOCETHTOOL ioctl (so the kernel computed every checksum in
// software), and a python3 AF_PACKET raw socket capturing on the server end while the client ran
// `ping -c1`, `ping -6 -c1`, a python UDP sendto of "hello, odd!" to a closed port (the kernel
// answered with ICMP port unreachable), and a python TCP connect that sent "ping data 123" to a
// python server that answered "pong\n". Linux 6.18; the namespaces were deleted afterwards.

export const kernel = {
  /** ICMPv4 echo request, 10.99.0.1 -> 10.99.0.2 (ping -c1), 56 data bytes. */
  icmpv4EchoRequest:
    '450000542e0040004001f7e00a6300010a6300020800833e17eb00012585096b0000000064120b0000000000101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f3031323334353637',

  /** ICMPv4 echo reply to icmpv4EchoRequest. */
  icmpv4EchoReply:
    '45000054fe9e0000400167420a6300020a63000100008b3e17eb00012585096b0000000064120b0000000000101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f3031323334353637',

  /** ICMPv6 echo request, fd99::1 -> fd99::2 (ping -6 -c1). */
  icmpv6EchoRequest:
    '600f78d000403a40fd990000000000000000000000000001fd9900000000000000000000000000028000537e17ec00012585096b0000000020200b0000000000101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f3031323334353637',

  /** ICMPv6 echo reply to icmpv6EchoRequest. */
  icmpv6EchoReply:
    '600cffd000403a40fd990000000000000000000000000002fd9900000000000000000000000000018100527e17ec00012585096b0000000020200b0000000000101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f3031323334353637',

  /** ICMPv6 neighbour solicitation (type 135) fd99::1 -> solicited-node multicast. */
  icmpv6NeighborSolicitation:
    '6000000000203afffd990000000000000000000000000001ff0200000000000000000001ff0000028700f32300000000fd9900000000000000000000000000020101caa27bda44c5',

  /** UDP 10.99.0.1 -> 10.99.0.2:9999, payload "hello, odd!" (11 bytes). */
  udpV4: '45000027d7b6400040114e470a6300010a630002bbbb270f00131e6368656c6c6f2c206f646421',

  /** ICMPv4 destination unreachable, port (3/3), quoting udpV4. */
  icmpv4PortUnreachable:
    '45c00043feb500004001667c0a6300020a630001030311ea0000000045000027d7b6400040114e470a6300010a630002bbbb270f00131e6368656c6c6f2c206f646421',

  /** UDP fd99::1 -> [fd99::2]:9999, payload "hello, odd!" (11 bytes). */
  udpV6:
    '6006982000131140fd990000000000000000000000000001fd990000000000000000000000000002bf61270f0013344f68656c6c6f2c206f646421',

  /** ICMPv6 destination unreachable, port (1/4), quoting udpV6. */
  icmpv6PortUnreachable:
    '600c307c00433a40fd990000000000000000000000000002fd9900000000000000000000000000010104f9f1000000006006982000131140fd990000000000000000000000000001fd990000000000000000000000000002bf61270f0013344f68656c6c6f2c206f646421',

  /** TCP SYN 10.99.0.1 -> 10.99.0.2:8080 with MSS, SACK-permitted, timestamps, window scale. */
  tcpV4Syn:
    '4500003c65dd40004006c0160a6300010a630002b5d21f9092c92c4800000000a002faf072210000020405b40402080a95d69bd7000000000103030a',

  /** TCP SYN-ACK answering tcpV4Syn. */
  tcpV4SynAck:
    '4500003c00004000400625f40a6300020a6300011f90b5d23211726792c92c49a012fe8862d00000020405b40402080a552a120595d69bd70103030a',

  /** TCP PSH-ACK with "ping data 123" (13 bytes, odd) from the client. */
  tcpV4Data:
    '4500004165df40004006c00f0a6300010a630002b5d21f9092c92c49321172688018003f69d800000101080a95d69bd7552a120570696e67206461746120313233',

  /** TCP PSH-ACK with "pong\n" (5 bytes) from the server. */
  tcpV4Reply:
    '45000039ae944000400677620a6300020a6300011f90b5d23211726892c92c5680180040a6f600000101080a552a120695d69bd7706f6e670a',

  /** TCP SYN fd99::1 -> [fd99::2]:8080 with MSS, SACK-permitted, timestamps, window scale. */
  tcpV6Syn:
    '60032ebe00280640fd990000000000000000000000000001fd99000000000000000000000000000280381f90163269a700000000a002fd20d4dd0000020405a00402080a74a1e698000000000103030a',

  /** TCP SYN-ACK answering tcpV6Syn. */
  tcpV6SynAck:
    '600b085400280640fd990000000000000000000000000002fd9900000000000000000000000000011f908038086c60ad163269a8a012fb041beb0000020405a00402080a703ee1a574a1e6980103030a',

  /** TCP PSH-ACK with "ping data 123" (13 bytes, odd) from the client. */
  tcpV6Data:
    '60032ebe002d0640fd990000000000000000000000000001fd99000000000000000000000000000280381f90163269a8086c60ae801800401f5900000101080a74a1e699703ee1a570696e67206461746120313233',
} as const;

/** A fresh, exactly-sized copy of a fixture (byteOffset 0). */
export function fromHex(hex: string): Uint8Array {
  return new Uint8Array(Buffer.from(hex, 'hex'));
}

/** mulberry32: a small seeded generator of u32 values, so random tests repeat exactly. */
export function seededU32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
}
