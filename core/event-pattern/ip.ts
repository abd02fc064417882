/** IPv4 / IPv6 literal and CIDR parsing for `cidr` matching. Pure, no `net` module. */

export interface IpAddress {
  readonly family: 4 | 6;
  readonly value: bigint;
}

export interface CidrBlock {
  readonly family: 4 | 6;
  readonly network: bigint;
  readonly mask: bigint;
}

const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;
const HEX_GROUP = /^[0-9a-fA-F]{1,4}$/;

function parseIPv4(text: string): bigint | undefined {
  const m = IPV4.exec(text);
  if (!m) return undefined;
  let value = 0n;
  for (let i = 1; i <= 4; i++) {
    const octet = Number(m[i]);
    if (octet > 255) return undefined;
    value = (value << 8n) | BigInt(octet);
  }
  return value;
}

function parseGroups(part: string): bigint[] | undefined {
  if (part === '') return [];
  const groups: bigint[] = [];
  const pieces = part.split(':');
  for (let i = 0; i < pieces.length; i++) {
    const piece = pieces[i] ?? '';
    if (i === pieces.length - 1 && piece.includes('.')) {
      const v4 = parseIPv4(piece);
      if (v4 === undefined) return undefined;
      groups.push(v4 >> 16n, v4 & 0xffffn);
    } else if (HEX_GROUP.test(piece)) {
      groups.push(BigInt(parseInt(piece, 16)));
    } else {
      return undefined;
    }
  }
  return groups;
}

function parseIPv6(text: string): bigint | undefined {
  if (!text.includes(':')) return undefined;
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const head = parseGroups(halves[0] ?? '');
  const tail = halves.length === 2 ? parseGroups(halves[1] ?? '') : [];
  if (!head || !tail) return undefined;
  const present = head.length + tail.length;
  if (halves.length === 2 ? present > 7 : present !== 8) return undefined;
  const groups = [...head, ...Array<bigint>(8 - present).fill(0n), ...tail];
  return groups.reduce((acc, g) => (acc << 16n) | g, 0n);
}

/** Parses an IPv4 or IPv6 address literal; undefined if the text is not one. */
export function parseIp(text: string): IpAddress | undefined {
  const v4 = parseIPv4(text);
  if (v4 !== undefined) return { family: 4, value: v4 };
  const v6 = parseIPv6(text);
  if (v6 !== undefined) return { family: 6, value: v6 };
  return undefined;
}

/** Parses `address/bits`; returns a reason string when malformed. */
export function parseCidr(text: string): CidrBlock | string {
  const slashed = text.split('/');
  if (slashed.length !== 2) return `Malformed CIDR "${text}", one '/' required`;
  const [addressText = '', bitsText = ''] = slashed;
  if (!/^\d{1,3}$/.test(bitsText)) return `Malformed CIDR "${text}", mask bits must be a non-negative integer`;
  const address = parseIp(addressText);
  if (!address) return `Malformed CIDR "${text}", invalid IP address "${addressText}"`;
  const width = address.family === 4 ? 32 : 128;
  const bits = Number(bitsText);
  if (bits > width) return `Malformed CIDR "${text}", IPv${address.family} mask bits must be <= ${width}`;
  const all = (1n << BigInt(width)) - 1n;
  const mask = (all << BigInt(width - bits)) & all;
  return { family: address.family, network: address.value & mask, mask };
}

export function cidrContains(block: CidrBlock, address: IpAddress): boolean {
  return block.family === address.family && (address.value & block.mask) === block.network;
}
