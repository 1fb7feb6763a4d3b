/**
 * Certificates for serving the emulator over HTTPS in tests and demos: a
 * throwaway certificate authority made at start, and a server certificate
 * it signs for the emulator's host names. Clients trust the run's CA file
 * (`--tls-ca FILE`, `c.MLPlatformTokens.ca_bundle`), never a system store.
 *
 * Both are ECDSA P-256 with SHA-256, written with node:crypto and `der.ts`,
 * with the extensions strict verifiers (OpenSSL's X509_V_FLAG_X509_STRICT,
 * Python 3.13's default) require: critical basic constraints and key usage,
 * subject and authority key identifiers, a subject alternative name.
 */
import {
  createHash,
  generateKeyPairSync,
  type KeyObject,
  randomBytes,
  sign
} from 'node:crypto';
import { isIP } from 'node:net';

import * as der from './der';

/** A certificate and its key, as PEM text. */
export interface ICertificatePair {
  cert: string;
  key: string;
}

/** What `makeTestCertificates` makes: the CA certificate and the server's pair. */
export interface ITestCertificates {
  /** The CA certificate (PEM): what clients are told to trust. */
  ca: string;
  /** The server certificate (PEM) and its private key (PKCS #8 PEM). */
  server: ICertificatePair;
}

const OID = {
  ecdsaWithSha256: '1.2.840.10045.4.3.2',
  commonName: '2.5.4.3',
  organization: '2.5.4.10',
  subjectKeyIdentifier: '2.5.29.14',
  keyUsage: '2.5.29.15',
  subjectAltName: '2.5.29.17',
  basicConstraints: '2.5.29.19',
  authorityKeyIdentifier: '2.5.29.35',
  extKeyUsage: '2.5.29.37',
  serverAuth: '1.3.6.1.5.5.7.3.1'
} as const;

/** keyUsage bits (RFC 5280 4.2.1.3). */
const KeyUsage = { digitalSignature: 0, keyCertSign: 5, cRLSign: 6 } as const;

const ORGANIZATION = 'ML Platform emulator (test only)';
const DAY_MS = 24 * 60 * 60 * 1000;

/** The names every emulator certificate covers besides the listening host. */
export const LOOPBACK_NAMES: readonly string[] = [
  'localhost',
  '127.0.0.1',
  '::1'
];

/**
 * A fresh CA and a server certificate for `hosts` (DNS names or IP addresses;
 * the loopback names are always included), valid from an hour ago for `days`.
 */
export function makeTestCertificates(
  hosts: readonly string[] = [],
  days = 30,
  now: Date = new Date()
): ITestCertificates {
  const names = [...new Set([...hosts, ...LOOPBACK_NAMES])];
  const notBefore = new Date(now.getTime() - 60 * 60 * 1000);
  const notAfter = new Date(now.getTime() + days * DAY_MS);
  const caKeys = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const caName = distinguishedName(`Test CA ${randomBytes(4).toString('hex')}`);
  const caKeyId = keyIdentifier(caKeys.publicKey);
  const ca = certificate({
    subject: caName,
    issuer: caName,
    publicKey: caKeys.publicKey,
    signer: caKeys.privateKey,
    notBefore,
    notAfter,
    extensions: [
      extension(
        OID.basicConstraints,
        true,
        der.sequence(der.boolean(true), der.smallInteger(0))
      ),
      extension(
        OID.keyUsage,
        true,
        der.namedBits([KeyUsage.keyCertSign, KeyUsage.cRLSign])
      ),
      extension(OID.subjectKeyIdentifier, false, der.octetString(caKeyId))
    ]
  });
  const serverKeys = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const server = certificate({
    subject: distinguishedName(names[0]),
    issuer: caName,
    publicKey: serverKeys.publicKey,
    signer: caKeys.privateKey,
    notBefore,
    notAfter,
    extensions: [
      extension(OID.basicConstraints, true, der.sequence()),
      extension(OID.keyUsage, true, der.namedBits([KeyUsage.digitalSignature])),
      extension(OID.extKeyUsage, false, der.sequence(der.oid(OID.serverAuth))),
      extension(
        OID.subjectAltName,
        false,
        der.sequence(...names.map(generalName))
      ),
      extension(
        OID.subjectKeyIdentifier,
        false,
        der.octetString(keyIdentifier(serverKeys.publicKey))
      ),
      extension(
        OID.authorityKeyIdentifier,
        false,
        der.sequence(der.implicit(0, caKeyId))
      )
    ]
  });
  return {
    ca: pem('CERTIFICATE', ca),
    server: {
      cert: pem('CERTIFICATE', server),
      key: serverKeys.privateKey
        .export({ type: 'pkcs8', format: 'pem' })
        .toString()
    }
  };
}

interface ICertificateFields {
  subject: Buffer;
  issuer: Buffer;
  publicKey: KeyObject;
  signer: KeyObject;
  notBefore: Date;
  notAfter: Date;
  extensions: Buffer[];
}

/** A signed X.509 v3 certificate (RFC 5280 4.1), DER. */
function certificate(fields: ICertificateFields): Buffer {
  const algorithm = der.sequence(der.oid(OID.ecdsaWithSha256));
  // 16 random octets, the top bit cleared: positive, and at most 20 octets as RFC 5280 wants.
  const serial = randomBytes(16);
  serial[0] = (serial[0] & 0x7f) | 0x01;
  const tbs = der.sequence(
    der.explicit(0, der.smallInteger(2)), // v3
    der.unsignedInteger(serial),
    algorithm,
    fields.issuer,
    der.sequence(der.time(fields.notBefore), der.time(fields.notAfter)),
    fields.subject,
    fields.publicKey.export({ type: 'spki', format: 'der' }),
    der.explicit(3, der.sequence(...fields.extensions))
  );
  const signature = sign('sha256', tbs, fields.signer); // DER ECDSA-Sig-Value
  return der.sequence(tbs, algorithm, der.bitString(signature));
}

function distinguishedName(commonName: string): Buffer {
  const attribute = (type: string, value: string) =>
    der.set(der.sequence(der.oid(type), der.utf8String(value)));
  return der.sequence(
    attribute(OID.organization, ORGANIZATION),
    attribute(OID.commonName, commonName)
  );
}

function extension(id: string, critical: boolean, value: Buffer): Buffer {
  // `critical` is DEFAULT FALSE, which DER leaves out.
  const flag = critical ? [der.boolean(true)] : [];
  return der.sequence(der.oid(id), ...flag, der.octetString(value));
}

/** A key identifier: the first 20 octets of the SHA-256 of the public key's DER. */
function keyIdentifier(publicKey: KeyObject): Buffer {
  const spki = publicKey.export({ type: 'spki', format: 'der' });
  return createHash('sha256').update(spki).digest().subarray(0, 20);
}

/** A subjectAltName entry: `dNSName` [2] or `iPAddress` [7]. */
function generalName(name: string): Buffer {
  const family = isIP(name);
  if (family === 4) {
    return der.implicit(7, Buffer.from(name.split('.').map(Number)));
  }
  if (family === 6) {
    return der.implicit(7, ipv6Octets(name));
  }
  if (!/^[A-Za-z0-9.-]{1,253}$/.test(name)) {
    throw new RangeError(
      `not a host name or IP address: ${JSON.stringify(name)}`
    );
  }
  return der.implicit(2, Buffer.from(name, 'ascii'));
}

/** The 16 octets of an IPv6 address in text form. */
export function ipv6Octets(address: string): Buffer {
  // The URL parser writes any valid form (an IPv4 tail included) as hex groups.
  const canonical = new URL(`http://[${address}]/`).hostname.slice(1, -1);
  const [head, tail] = canonical.includes('::')
    ? canonical.split('::')
    : [canonical, null];
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const zeros = Array<string>(8 - left.length - right.length).fill('0');
  const groups = tail === null ? left : [...left, ...zeros, ...right];
  const octets = Buffer.alloc(16);
  groups.forEach((group, index) =>
    octets.writeUInt16BE(parseInt(group, 16), index * 2)
  );
  return octets;
}

function pem(label: string, body: Buffer): string {
  const lines = body.toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}
