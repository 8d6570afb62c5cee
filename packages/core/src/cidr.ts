/** IPv4 CIDR arithmetic for subnet planning and validation. */

export interface Cidr {
  /** Network address as an unsigned 32-bit integer. */
  network: number;
  prefixLength: number;
}

const CIDR_PATTERN = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;

/** Parses `a.b.c.d/n`; throws when the text is not a CIDR or has host bits set. */
export function parseCidr(text: string): Cidr {
  const match = CIDR_PATTERN.exec(text.trim());
  if (!match) {
    throw new Error(`"${text}" is not an IPv4 CIDR block (expected a.b.c.d/n)`);
  }
  const octets = match.slice(1, 5).map(Number);
  const prefixLength = Number(match[5]);
  if (octets.some((o) => o > 255) || prefixLength > 32) {
    throw new Error(`"${text}" is not an IPv4 CIDR block: octets are 0-255 and the prefix 0-32`);
  }
  const address = octets.reduce((acc, o) => acc * 256 + o, 0);
  const size = 2 ** (32 - prefixLength);
  if (address % size !== 0) {
    throw new Error(
      `"${text}" has host bits set: the network address for /${prefixLength} is ${formatAddress(address - (address % size))}`,
    );
  }
  return { network: address, prefixLength };
}

export function isCidr(text: string): boolean {
  try {
    parseCidr(text);
    return true;
  } catch {
    return false;
  }
}

export function formatAddress(address: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(address / 2 ** shift) % 256).join(".");
}

export function formatCidr(cidr: Cidr): string {
  return `${formatAddress(cidr.network)}/${cidr.prefixLength}`;
}

export function cidrSize(cidr: Cidr): number {
  return 2 ** (32 - cidr.prefixLength);
}

/** True when `inner` lies entirely within `outer`. */
export function cidrContains(outer: Cidr, inner: Cidr): boolean {
  return (
    inner.prefixLength >= outer.prefixLength &&
    inner.network >= outer.network &&
    inner.network + cidrSize(inner) <= outer.network + cidrSize(outer)
  );
}

export function cidrsOverlap(a: Cidr, b: Cidr): boolean {
  return a.network < b.network + cidrSize(b) && b.network < a.network + cidrSize(a);
}

/** The RFC 1918 private ranges, in which a VPC block should lie. */
export const PRIVATE_RANGES: readonly Cidr[] = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"].map(
  parseCidr,
);

export function isPrivateCidr(cidr: Cidr): boolean {
  return PRIVATE_RANGES.some((range) => cidrContains(range, cidr));
}

/**
 * Carves consecutive blocks of the given prefix lengths out of `parent`, each aligned to its own
 * size, in order. Throws when they do not fit.
 */
export function allocateSubnets(parent: Cidr, prefixLengths: readonly number[]): Cidr[] {
  let cursor = parent.network;
  const end = parent.network + cidrSize(parent);
  return prefixLengths.map((prefixLength) => {
    if (prefixLength < parent.prefixLength || prefixLength > 28) {
      throw new Error(`a /${prefixLength} subnet cannot be carved from ${formatCidr(parent)}`);
    }
    const size = 2 ** (32 - prefixLength);
    cursor = Math.ceil(cursor / size) * size;
    if (cursor + size > end) {
      throw new Error(
        `the subnets (${prefixLengths.map((p) => `/${p}`).join(", ")}) do not fit in ${formatCidr(parent)}`,
      );
    }
    const block = { network: cursor, prefixLength };
    cursor += size;
    return block;
  });
}
