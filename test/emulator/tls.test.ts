/** @jest-environment node */
/**
 * The emulator over HTTPS: the certificates it makes for a run verify for
 * every host they name, a client that trusts the run's CA reaches it and one
 * that does not is refused, and its connection counts show keep-alive.
 */
import { X509Certificate } from 'node:crypto';
import { isIP } from 'node:net';

import fc from 'fast-check';
import { Agent, fetch } from 'undici';

import * as der from '../../emulator/src/der';
import { ipv6Octets, makeTestCertificates } from '../../emulator/src/tls';
import { type ITestEmulator, startTestEmulator } from './harness';

describe('DER pieces', () => {
  it('writes the encodings X.509 uses', () => {
    expect(der.oid('2.5.4.3').toString('hex')).toBe('0603550403');
    expect(der.oid('1.2.840.10045.4.3.2').toString('hex')).toBe(
      '06082a8648ce3d040302'
    );
    expect(der.unsignedInteger(Buffer.from([0x80])).toString('hex')).toBe(
      '02020080'
    );
    expect(der.unsignedInteger(Buffer.from([0, 0, 5])).toString('hex')).toBe(
      '020105'
    );
    expect(der.smallInteger(0).toString('hex')).toBe('020100');
    // keyCertSign + cRLSign: bits 5 and 6, one unused bit.
    expect(der.namedBits([5, 6]).toString('hex')).toBe('03020106');
    expect(der.namedBits([0]).toString('hex')).toBe('03020780');
    expect(der.time(new Date('2049-12-31T23:59:59Z')).toString('ascii')).toBe(
      '\x17\x0d491231235959Z'
    );
    expect(der.time(new Date('2050-01-01T00:00:00Z')).toString('ascii')).toBe(
      '\x18\x0f20500101000000Z'
    );
    expect(() => der.oid('3.1')).toThrow(RangeError);
  });

  it('encodes any length so that it reads back', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 40 }), length => {
        const octets = der.encodeLength(length);
        const decoded =
          octets[0] < 0x80
            ? octets[0]
            : [...octets.subarray(1)].reduce(
                (sum, byte) => sum * 256 + byte,
                0
              );
        expect(decoded).toBe(length);
        expect(octets.length).toBe(
          length < 0x80 ? 1 : 1 + Math.ceil(length.toString(16).length / 2)
        );
      })
    );
  });

  it('encodes any non-negative integer minimally, as a positive number', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 40 }), bytes => {
        const encoded = der.unsignedInteger(Buffer.from(bytes));
        const content = encoded.subarray(2);
        expect(encoded[0]).toBe(0x02);
        expect(encoded[1]).toBe(content.length);
        expect(content[0] & 0x80).toBe(0); // never negative
        // Minimal: a leading zero only when the next octet's top bit needs it.
        if (content.length > 1 && content[0] === 0) {
          expect(content[1] & 0x80).toBe(0x80);
        }
        const value = (buffer: Uint8Array) =>
          [...buffer].reduce((sum, byte) => sum * 256n + BigInt(byte), 0n);
        expect(value(content)).toBe(value(bytes));
      })
    );
  });
});

const hostName = fc
  .array(fc.stringMatching(/^[a-z0-9]([a-z0-9-]{0,8}[a-z0-9])?$/), {
    minLength: 1,
    maxLength: 4
  })
  .map(labels => labels.join('.'))
  .filter(name => isIP(name) === 0);
const host = fc.oneof(hostName, fc.ipV4(), fc.ipV6());

describe('test certificates', () => {
  it('verify, for every host they were made for, against their own CA only', () => {
    const other = new X509Certificate(makeTestCertificates().ca);
    fc.assert(
      fc.property(fc.uniqueArray(host, { maxLength: 4 }), hosts => {
        const made = makeTestCertificates(hosts);
        const ca = new X509Certificate(made.ca);
        const server = new X509Certificate(made.server.cert);
        expect(ca.ca).toBe(true);
        expect(server.ca).toBe(false);
        expect(server.checkIssued(ca)).toBe(true);
        expect(server.verify(ca.publicKey)).toBe(true);
        expect(server.verify(other.publicKey)).toBe(false);
        for (const name of [...hosts, 'localhost', '127.0.0.1', '::1']) {
          const found = isIP(name)
            ? server.checkIP(name)
            : server.checkHost(name);
          expect(found).toBeDefined();
        }
        const now = Date.now();
        expect(new Date(server.validFrom).getTime()).toBeLessThan(now);
        expect(new Date(server.validTo).getTime()).toBeGreaterThan(now);
      }),
      { numRuns: 25 }
    );
  });

  it('reads IPv6 addresses in any of their forms', () => {
    expect(ipv6Octets('::1').toString('hex')).toBe('0'.repeat(31) + '1');
    expect(ipv6Octets('fe80::1:2').toString('hex')).toBe(
      'fe800000000000000000000000010002'
    );
    expect(ipv6Octets('::ffff:1.2.3.4').toString('hex')).toBe(
      '00000000000000000000ffff01020304'
    );
  });

  it('refuse a name that is neither a host name nor an address', () => {
    expect(() => makeTestCertificates(['bad name'])).toThrow(RangeError);
  });
});

describe('the emulator over HTTPS', () => {
  const made = makeTestCertificates();
  let t: ITestEmulator;
  let trusting: Agent;

  beforeAll(async () => {
    t = await startTestEmulator({ control: true, tls: made.server });
    // One connection at most: it is reused only if the emulator keeps it alive.
    trusting = new Agent({ connect: { ca: made.ca }, connections: 1 });
  });

  afterAll(async () => {
    await trusting.close();
    await t.dispose();
  });

  const get = (path: string, dispatcher: Agent) =>
    fetch(t.emulator.url + path, { dispatcher });

  it('answers a client that trusts the run CA, over one kept-alive connection', async () => {
    expect(t.emulator.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    t.emulator.resetStats(); // before this agent's first connection
    for (let i = 0; i < 3; i += 1) {
      const response = await get('/tokens/me', trusting);
      expect(response.status).toBe(401);
      await response.text();
    }
    const stats = (await (await get('/_emulator/stats', trusting)).json()) as {
      connections: { opened: number; open: number; peak: number };
    };
    expect(stats.connections).toEqual({ opened: 1, open: 1, peak: 1 });
  });

  it('closes idle connections when told to, as a server idle timeout would', async () => {
    await (
      await fetch(`${t.emulator.url}/_emulator/connections`, {
        method: 'DELETE',
        dispatcher: trusting
      })
    ).text();
    const deadline = Date.now() + 5000;
    while (t.emulator.connections().open > 1 && Date.now() < deadline) {
      await new Promise(resolve => setTimeout(resolve, 20));
    }
    // Only the connection of the control call itself may still be open.
    expect(t.emulator.connections().open).toBeLessThanOrEqual(1);
  });

  it('is refused by a client that does not trust the run CA', async () => {
    const strangers = new Agent({
      connect: { ca: makeTestCertificates().ca }
    });
    try {
      await expect(get('/tokens/me', strangers)).rejects.toThrow();
    } finally {
      await strangers.close();
    }
  });
});
