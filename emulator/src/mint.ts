import { randomUUID } from 'node:crypto';

import type { TokenType } from './roles';
import { hashSecret, newAccessTokenValue } from './secrets';
import type { IAccessTokenRecord, Store } from './store';

/** What a new access token is to be. */
export interface IMintSpec {
  name: string;
  type: TokenType;
  issuerName: string;
  /** Lifetime in seconds from `now`; null = never expires. */
  lifetimeSeconds: number | null;
}

/**
 * Create an access token in the store (the name must be free) and return its value with its
 * record. The caller commits the store.
 */
export function mintAccessToken(
  store: Store,
  spec: IMintSpec,
  now: number
): { value: string; record: IAccessTokenRecord } {
  const value = newAccessTokenValue();
  const record: IAccessTokenRecord = {
    id: randomUUID(),
    name: spec.name,
    type: spec.type,
    issuerName: spec.issuerName,
    createdAt: now,
    exp:
      spec.lifetimeSeconds === null ? null : now + spec.lifetimeSeconds * 1000,
    secretSha256: hashSecret(value)
  };
  store.addToken(record);
  return { value, record };
}
