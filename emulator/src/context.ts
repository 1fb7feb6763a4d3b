import type { Clock } from './clock';
import type { Store } from './store';

/** What the route handlers work with. */
export interface IContext {
  store: Store;
  clock: Clock;
  /** Lifetime of a new bearer, in seconds (capped by the access token's own expiry). */
  bearerTtlSeconds: number;
}
