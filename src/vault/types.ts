/**
 * Shapes of the server vault's REST API (`/mlplatform-tokens/tokens`...).
 * They are declared in the leaf `tokens.ts`, since the vault model's
 * interface speaks of them; values never appear in them.
 */

export type {
  IAddResult,
  IInvitation,
  ISavedToken,
  ITokenMetadata,
  IVaultState,
  TokenRole as Role
} from '../tokens';
