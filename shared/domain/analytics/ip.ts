import { isIPv4, isIPv6 } from 'node:net';

/**
 * A client address cut to its network: an IPv4 address to its /24, an IPv6 address to its /48.
 * This is the only form of the address the analytics code keeps hold of: the full address is cut
 * before any other use (lookup, counting) and is never stored (SPEC §3, "What is kept").
 */
export type TruncatedIp =
  | { family: 4; /** The /24 network as an unsigned 32-bit number, host byte zeroed. */ network: number }
  | {
      family: 6;
      /** The top 64 bits of the /48 network, as two unsigned 32-bit words (the last 16 bits zeroed). */ hi: number;
      lo: number;
    };

function ipv4Number(address: string): number {
  return address.split('.').reduce((value, octet) => value * 256 + Number(octet), 0);
}

/** The sixteen bytes of an IPv6 address (`::` expanded, an embedded IPv4 tail read as two groups). */
function ipv6Groups(address: string): number[] {
  const embedded = /(\d+\.\d+\.\d+\.\d+)$/.exec(address);
  let text = address;
  if (embedded?.[1]) {
    const v4 = ipv4Number(embedded[1]);
    text = `${address.slice(0, -embedded[1].length)}${(v4 >>> 16).toString(16)}:${(v4 & 0xffff).toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const parse = (part: string) => (part ? part.split(':').map((group) => parseInt(group, 16)) : []);
  const front = parse(head);
  const back = tail === undefined ? [] : parse(tail);
  return [...front, ...new Array<number>(8 - front.length - back.length).fill(0), ...back];
}

/**
 * Cuts an address to its network (/24 or /48), or undefined when it is not an IP address. An
 * IPv4-mapped IPv6 address (`::ffff:a.b.c.d`) counts as the IPv4 address it carries. A zone index
 * (`fe80::1%eth0`) is dropped.
 */
export function truncateIp(address: string | null | undefined): TruncatedIp | undefined {
  const ip = address?.trim().replace(/%.*$/, '');
  if (!ip) return undefined;
  if (isIPv4(ip)) return { family: 4, network: (ipv4Number(ip) & 0xffffff00) >>> 0 };
  if (!isIPv6(ip)) return undefined;
  const groups = ipv6Groups(ip);
  if (groups.slice(0, 5).every((group) => group === 0) && groups[5] === 0xffff) {
    return { family: 4, network: ((((groups[6] ?? 0) << 16) | (groups[7] ?? 0)) & 0xffffff00) >>> 0 };
  }
  const [a = 0, b = 0, c = 0] = groups;
  return { family: 6, hi: ((a << 16) | b) >>> 0, lo: (c << 16) >>> 0 };
}

/** The truncated network in its usual notation (`203.0.113.0/24`, `2001:db8:1::/48`), for tests and logs. */
export function networkText(ip: TruncatedIp): string {
  if (ip.family === 4) {
    return `${[24, 16, 8, 0].map((shift) => (ip.network >>> shift) & 0xff).join('.')}/24`;
  }
  return `${[ip.hi >>> 16, ip.hi & 0xffff, ip.lo >>> 16].map((group) => group.toString(16)).join(':')}::/48`;
}
