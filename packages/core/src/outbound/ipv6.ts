import { isIPv4, isIPv6 } from 'node:net';

/**
 * The 16 bytes of an IPv6 address written in any RFC 4291 §2.2 form
 * (compressed, full, or with a trailing dotted quad); a zone id is ignored.
 * Returns `undefined` for anything that is not an IPv6 address.
 */
export function parseIPv6(text: string): Uint8Array | undefined {
  const address = withoutZone(text);
  if (!isIPv6(address)) return undefined;
  const halves = withHexTail(address).split('::');
  const head = groups(halves[0] ?? '');
  const tail = halves.length > 1 ? groups(halves[1] ?? '') : [];
  const zeros = new Array<number>(8 - head.length - tail.length).fill(0);
  const bytes = new Uint8Array(16);
  [...head, ...zeros, ...tail].forEach((group, i) => {
    bytes[i * 2] = group >> 8;
    bytes[i * 2 + 1] = group & 0xff;
  });
  return bytes;
}

/** The IPv4 address held in four bytes of an IPv6 address, from `offset`. */
export function ipv4At(bytes: Uint8Array, offset: number): string {
  return Array.from(bytes.subarray(offset, offset + 4)).join('.');
}

/** True when `bytes` begins with the bytes of `prefix`. */
export function startsWith(bytes: Uint8Array, prefix: readonly number[]): boolean {
  return prefix.every((byte, i) => bytes[i] === byte);
}

export function withoutZone(address: string): string {
  const zone = address.indexOf('%');
  return zone === -1 ? address : address.slice(0, zone);
}

/** Rewrites a trailing dotted quad (`::ffff:1.2.3.4`) as two hex groups. */
function withHexTail(address: string): string {
  const lastColon = address.lastIndexOf(':');
  const quad = address.slice(lastColon + 1);
  if (!isIPv4(quad)) return address;
  const [a = 0, b = 0, c = 0, d = 0] = quad.split('.').map(Number);
  return `${address.slice(0, lastColon + 1)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
}

function groups(part: string): number[] {
  return part === '' ? [] : part.split(':').map((group) => Number.parseInt(group, 16));
}
