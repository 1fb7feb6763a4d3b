/**
 * Just enough DER (ASN.1 Distinguished Encoding Rules) to write an X.509
 * certificate: the emulator makes its own test certificates with node:crypto
 * and this, so it keeps having no runtime dependencies.
 */

/** Tags used here: universal ones, plus context-specific ones built by `explicit`/`implicit`. */
export const Tag = {
  boolean: 0x01,
  integer: 0x02,
  bitString: 0x03,
  octetString: 0x04,
  oid: 0x06,
  utf8String: 0x0c,
  sequence: 0x30,
  set: 0x31,
  utcTime: 0x17,
  generalizedTime: 0x18
} as const;

/** The length octets: short form below 128, otherwise 0x80 + count, big-endian. */
export function encodeLength(length: number): Buffer {
  if (!Number.isSafeInteger(length) || length < 0) {
    throw new RangeError(`not a DER length: ${length}`);
  }
  if (length < 0x80) {
    return Buffer.from([length]);
  }
  const octets: number[] = [];
  for (let rest = length; rest > 0; rest = Math.floor(rest / 256)) {
    octets.unshift(rest % 256);
  }
  return Buffer.from([0x80 | octets.length, ...octets]);
}

/** One tag-length-value element. */
export function tlv(tag: number, ...content: Buffer[]): Buffer {
  const body = Buffer.concat(content);
  return Buffer.concat([Buffer.from([tag]), encodeLength(body.length), body]);
}

export function sequence(...items: Buffer[]): Buffer {
  return tlv(Tag.sequence, ...items);
}

export function set(...items: Buffer[]): Buffer {
  return tlv(Tag.set, ...items);
}

/** `[n] EXPLICIT`: a constructed context-specific wrapper around whole elements. */
export function explicit(n: number, ...items: Buffer[]): Buffer {
  return tlv(0xa0 | n, ...items);
}

/** `[n] IMPLICIT` of a primitive type: the content under a context-specific tag. */
export function implicit(n: number, content: Buffer): Buffer {
  return tlv(0x80 | n, content);
}

export function boolean(value: boolean): Buffer {
  return tlv(Tag.boolean, Buffer.from([value ? 0xff : 0x00]));
}

/** A non-negative INTEGER from its big-endian magnitude, in the fewest octets. */
export function unsignedInteger(magnitude: Buffer): Buffer {
  let start = 0;
  while (start < magnitude.length - 1 && magnitude[start] === 0) {
    start += 1;
  }
  const digits =
    magnitude.length === 0 ? Buffer.from([0]) : magnitude.subarray(start);
  // A leading 1 bit would make it negative in two's complement.
  const sign = digits[0] & 0x80 ? Buffer.from([0]) : Buffer.alloc(0);
  return tlv(Tag.integer, sign, digits);
}

export function smallInteger(value: number): Buffer {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new RangeError(`not a small non-negative integer: ${value}`);
  }
  const octets: number[] = [];
  for (let rest = value; rest > 0; rest = Math.floor(rest / 256)) {
    octets.unshift(rest % 256);
  }
  return unsignedInteger(Buffer.from(octets));
}

/** An OBJECT IDENTIFIER from its dotted form, e.g. `2.5.4.3`. */
export function oid(dotted: string): Buffer {
  const arcs = dotted.split('.').map(arc => {
    if (!/^\d+$/.test(arc)) {
      throw new RangeError(`not an OID: ${dotted}`);
    }
    return Number(arc);
  });
  if (arcs.length < 2 || arcs[0] > 2 || (arcs[0] < 2 && arcs[1] > 39)) {
    throw new RangeError(`not an OID: ${dotted}`);
  }
  const octets: number[] = [];
  for (const arc of [40 * arcs[0] + arcs[1], ...arcs.slice(2)]) {
    const base128: number[] = [arc % 128];
    for (
      let rest = Math.floor(arc / 128);
      rest > 0;
      rest = Math.floor(rest / 128)
    ) {
      base128.unshift(0x80 | (rest % 128));
    }
    octets.push(...base128);
  }
  return tlv(Tag.oid, Buffer.from(octets));
}

/** A BIT STRING of whole octets (a key, a signature). */
export function bitString(octets: Buffer): Buffer {
  return tlv(Tag.bitString, Buffer.from([0]), octets);
}

/**
 * A BIT STRING of named bits (bit 0 is the first, most significant one), as DER
 * wants it: trailing zero bits left out, their count in the first octet.
 */
export function namedBits(bits: number[]): Buffer {
  if (bits.length === 0) {
    return tlv(Tag.bitString, Buffer.from([0]));
  }
  const last = Math.max(...bits);
  const octets = Buffer.alloc(Math.floor(last / 8) + 1);
  for (const bit of bits) {
    octets[Math.floor(bit / 8)] |= 0x80 >> (bit % 8);
  }
  return tlv(Tag.bitString, Buffer.from([7 - (last % 8)]), octets);
}

export function octetString(octets: Buffer): Buffer {
  return tlv(Tag.octetString, octets);
}

export function utf8String(text: string): Buffer {
  return tlv(Tag.utf8String, Buffer.from(text, 'utf8'));
}

/** X.509's Time: UTCTime through 2049, GeneralizedTime from 2050 (RFC 5280 4.1.2.5). */
export function time(date: Date): Buffer {
  const iso = date.toISOString(); // YYYY-MM-DDTHH:MM:SS.sssZ
  const digits = iso.slice(0, 19).replace(/[-:T]/g, '') + 'Z';
  const year = date.getUTCFullYear();
  if (year < 1950 || year > 9999) {
    throw new RangeError(`no X.509 time for the year ${year}`);
  }
  return year < 2050
    ? tlv(Tag.utcTime, Buffer.from(digits.slice(2), 'ascii'))
    : tlv(Tag.generalizedTime, Buffer.from(digits, 'ascii'));
}
