// IANA protocol numbers, also the IPv6 next-header values.

export const IpProtocol = {
  HOP_BY_HOP: 0,
  ICMP: 1,
  TCP: 6,
  UDP: 17,
  IPV6_ROUTING: 43,
  IPV6_FRAGMENT: 44,
  ESP: 50,
  AH: 51,
  ICMPV6: 58,
  IPV6_NO_NEXT_HEADER: 59,
  IPV6_DESTINATION_OPTIONS: 60,
} as const;
