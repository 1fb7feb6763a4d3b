import type { TokenInfo } from './contract';
import type { IAccessTokenRecord } from './store';

/** The public description of an access token (never its value). */
export function toTokenInfo(token: IAccessTokenRecord): TokenInfo {
  return {
    id: token.id,
    name: token.name,
    type: token.type,
    issuer_name: token.issuerName,
    created_at: new Date(token.createdAt).toISOString(),
    exp: token.exp === null ? null : new Date(token.exp).toISOString()
  };
}
