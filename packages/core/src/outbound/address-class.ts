import { BlockList, isIP } from 'node:net';
import { ipv4At, parseIPv6, startsWith, withoutZone } from './ipv6.ts';

/**
 * Where an IP address points, by the IANA special-purpose registries. Only
 * `public` addresses may be fetched unless private networks are allowed.
 * @see https://www.iana.org/assignments/iana-ipv4-special-registry/
 * @see https://www.iana.org/assignments/iana-ipv6-special-registry/
 */
export type AddressClass =
  | 'public'
  | 'unspecified'
  | 'this-network'
  | 'loopback'
  | 'private'
  | 'shared'
  | 'link-local'
  | 'metadata'
  | 'unique-local'
  | 'multicast'
  | 'broadcast'
  | 'documentation'
  | 'benchmarking'
  | 'reserved';

type Rule = readonly [network: string, prefix: number];

// First match wins, so the narrower ranges come before the ranges holding them.
const ipv4Table = table('ipv4', [
  ['metadata', [['169.254.169.254', 32]]],
  ['unspecified', [['0.0.0.0', 32]]],
  ['broadcast', [['255.255.255.255', 32]]],
  ['this-network', [['0.0.0.0', 8]]],
  ['loopback', [['127.0.0.0', 8]]],
  [
    'private',
    [
      ['10.0.0.0', 8],
      ['172.16.0.0', 12],
      ['192.168.0.0', 16],
    ],
  ],
  ['shared', [['100.64.0.0', 10]]],
  ['link-local', [['169.254.0.0', 16]]],
  [
    'documentation',
    [
      ['192.0.2.0', 24],
      ['198.51.100.0', 24],
      ['203.0.113.0', 24],
    ],
  ],
  ['benchmarking', [['198.18.0.0', 15]]],
  ['multicast', [['224.0.0.0', 4]]],
  [
    'reserved',
    [
      // IETF protocol assignments (DS-Lite, NAT64 discovery, ...) and the retired 6to4 relay anycast.
      ['192.0.0.0', 24],
      ['192.88.99.0', 24],
      ['240.0.0.0', 4],
    ],
  ],
]);

const ipv6Table = table('ipv6', [
  ['unspecified', [['::', 128]]],
  ['loopback', [['::1', 128]]],
  // RFC 8215 local-use NAT64 translates into whatever IPv4 network the operator chose.
  ['private', [['64:ff9b:1::', 48]]],
  ['link-local', [['fe80::', 10]]],
  // fec0::/10 is the deprecated site-local range: private by intent.
  ['private', [['fec0::', 10]]],
  ['unique-local', [['fc00::', 7]]],
  ['multicast', [['ff00::', 8]]],
  [
    'documentation',
    [
      ['2001:db8::', 32],
      ['3fff::', 20],
    ],
  ],
  ['benchmarking', [['2001:2::', 48]]],
  // IETF protocol assignments, Teredo among them (its client address is obfuscated IPv4).
  ['reserved', [['2001::', 23]]],
]);

const globalUnicast = new BlockList();
globalUnicast.addSubnet('2000::', 3, 'ipv6');

const MAPPED_PREFIX = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff];
const NAT64_PREFIX = [0x00, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0];
const SIX_TO_FOUR_PREFIX = [0x20, 0x02];

/**
 * Classifies an IPv4 or IPv6 address. IPv6 forms that carry an IPv4 address
 * (IPv4-mapped, NAT64 64:ff9b::/96, 6to4) take the class of that IPv4 address;
 * IPv6 outside 2000::/3 and anything that is not an IP address are `reserved`.
 * @see https://www.rfc-editor.org/rfc/rfc6890
 */
export function classifyAddress(address: string): AddressClass {
  const bare = withoutZone(address);
  switch (isIP(bare)) {
    case 4:
      return classifyIPv4(bare);
    case 6:
      return classifyIPv6(bare);
    default:
      return 'reserved';
  }
}

function classifyIPv4(address: string): AddressClass {
  return ipv4Table.find(([, list]) => list.check(address, 'ipv4'))?.[0] ?? 'public';
}

function classifyIPv6(address: string): AddressClass {
  const bytes = parseIPv6(address);
  if (bytes === undefined) return 'reserved';
  if (startsWith(bytes, MAPPED_PREFIX) || startsWith(bytes, NAT64_PREFIX)) return classifyIPv4(ipv4At(bytes, 12));
  const listed = ipv6Table.find(([, list]) => list.check(address, 'ipv6'))?.[0];
  if (listed !== undefined) return listed;
  if (startsWith(bytes, SIX_TO_FOUR_PREFIX)) return classifyIPv4(ipv4At(bytes, 2));
  return globalUnicast.check(address, 'ipv6') ? 'public' : 'reserved';
}

function table(
  type: 'ipv4' | 'ipv6',
  entries: readonly (readonly [AddressClass, readonly Rule[]])[],
): readonly (readonly [AddressClass, BlockList])[] {
  return entries.map(([addressClass, rules]) => {
    const list = new BlockList();
    for (const [network, prefix] of rules) list.addSubnet(network, prefix, type);
    return [addressClass, list] as const;
  });
}
