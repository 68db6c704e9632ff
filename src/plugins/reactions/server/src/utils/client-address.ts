/**
 * The unit an address-based limit counts: an IPv4 address, or an IPv6 /64 (one subscriber's
 * network: a client may pick any address inside its /64, so counting single IPv6 addresses
 * would give it billions of fresh identities).
 */
import net from 'net';

const expandIpv6 = (address: string): string[] | null => {
  const [head, tail = null, ...rest] = address.split('::');
  if (rest.length > 0) return null;
  const part = (text: string) => (text === '' ? [] : text.split(':'));
  const left = part(head);
  const right = tail === null ? [] : part(tail);
  const missing = 8 - left.length - right.length;
  if (tail === null ? missing !== 0 : missing < 1) return null;
  return [...left, ...Array<string>(tail === null ? 0 : missing).fill('0'), ...right];
};

export const addressUnit = (raw: string | undefined | null): string => {
  const address = String(raw ?? '').trim().replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  if (net.isIPv4(address)) return address;
  if (!net.isIPv6(address)) return 'unknown';
  // An IPv4 client seen through a dual-stack socket (::ffff:198.51.100.7) is that IPv4 address.
  const mapped = /^(?:0{0,4}:){0,5}:?ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped && net.isIPv4(mapped[1])) return mapped[1];
  const groups = expandIpv6(address);
  if (!groups) return 'unknown';
  return `${groups
    .slice(0, 4)
    .map((group) => parseInt(group, 16).toString(16))
    .join(':')}::/64`;
};
