/**
 * Fixtures of the project tests: a stand-in for the vault's active token,
 * token lists, and a client that answers from memory.
 */

import { nullTranslator } from '@jupyterlab/translation';
import { Signal } from '@lumino/signaling';

import type { MLPlatformClient, TokenInfo, TokenType } from '../../src/api';
import type { IActiveTokenSource } from '../../src/project/model';

export const trans = nullTranslator.load('jupyterlab_mlplatform_tokens');

/**
 * The active saved token, switchable like the vault's.
 */
export class FakeActive implements IActiveTokenSource {
  constructor(active: { name: string; role: TokenType } | null = null) {
    this.active = active;
  }

  active: { name: string; role: TokenType } | null;
  readonly activeChanged = new Signal<this, unknown>(this);

  set(active: { name: string; role: TokenType } | null): void {
    this.active = active;
    this.activeChanged.emit(active);
  }
}

/**
 * A token description.
 */
export function tokenInfo(
  name: string,
  type: TokenType = 'USER',
  extra: Partial<TokenInfo> = {}
): TokenInfo {
  return {
    id: `id-${name}`,
    name,
    type,
    issuer_name: 'console',
    created_at: '2026-01-02T03:04:05Z',
    exp: null,
    ...extra
  };
}

/**
 * `count` tokens named `user-00001`…, every tenth an Administrator token.
 */
export function manyTokens(count: number): TokenInfo[] {
  return Array.from({ length: count }, (_, i) =>
    tokenInfo(
      `user-${String(i + 1).padStart(5, '0')}`,
      i % 10 ? 'USER' : 'ADMIN',
      {
        issuer_name: i % 2 ? 'console' : 'team-admin'
      }
    )
  );
}

/**
 * A client answering from a list kept in memory.
 */
export function memoryClient(tokens: TokenInfo[]): {
  client: MLPlatformClient;
  calls: string[];
  tokens: TokenInfo[];
  fail: Error | null;
} {
  const state = {
    calls: [] as string[],
    tokens,
    fail: null as Error | null,
    client: null as unknown as MLPlatformClient
  };
  state.client = {
    listProjectTokens: async () => {
      state.calls.push('list');
      if (state.fail) {
        throw state.fail;
      }
      return [...state.tokens];
    },
    deleteToken: async (name: string) => {
      state.calls.push(`delete ${name}`);
      state.tokens = state.tokens.filter(token => token.name !== name);
    }
  } as unknown as MLPlatformClient;
  return state;
}

/**
 * Let pending promises and React renders settle.
 */
export async function flush(): Promise<void> {
  for (let i = 0; i < 5; i++) {
    await new Promise(resolve => setTimeout(resolve, 0));
  }
}
