import { readFileIfExists, writeFileAtomic } from './atomic-file';
import { isTokenType, type TokenType } from './roles';
import { newSigningKey } from './secrets';

/** An access token as kept by the emulator: its value only as a SHA-256 hash. */
export interface IAccessTokenRecord {
  id: string;
  name: string;
  type: TokenType;
  issuerName: string;
  /** Milliseconds since the epoch (emulated clock). */
  createdAt: number;
  /** Milliseconds since the epoch, or null for a token that never expires. */
  exp: number | null;
  secretSha256: string;
}

/** A registration token not yet redeemed: its value only as a SHA-256 hash. */
export interface IRegisterTokenRecord {
  secretSha256: string;
  clientName: string;
  tokenType: TokenType;
  createdAt: number;
  expiresAt: number;
  /** The lifetime as sent, echoed back; null = the minted token never expires. */
  refreshTtl: string | null;
  refreshTtlSeconds: number | null;
  issuerName: string;
}

/** What the data file holds. */
interface IStateFile {
  version: 1;
  signingKey: string;
  clockOffsetMs: number;
  tokens: IAccessTokenRecord[];
  registerTokens: IRegisterTokenRecord[];
}

const STATE_VERSION = 1;

function isRecordObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isNullableNumber(value: unknown): value is number | null {
  return value === null || typeof value === 'number';
}

function isAccessTokenRecord(value: unknown): value is IAccessTokenRecord {
  return (
    isRecordObject(value) &&
    typeof value.id === 'string' &&
    typeof value.name === 'string' &&
    isTokenType(value.type) &&
    typeof value.issuerName === 'string' &&
    typeof value.createdAt === 'number' &&
    isNullableNumber(value.exp) &&
    typeof value.secretSha256 === 'string'
  );
}

function isRegisterTokenRecord(value: unknown): value is IRegisterTokenRecord {
  return (
    isRecordObject(value) &&
    typeof value.secretSha256 === 'string' &&
    typeof value.clientName === 'string' &&
    isTokenType(value.tokenType) &&
    typeof value.createdAt === 'number' &&
    typeof value.expiresAt === 'number' &&
    (value.refreshTtl === null || typeof value.refreshTtl === 'string') &&
    isNullableNumber(value.refreshTtlSeconds) &&
    typeof value.issuerName === 'string'
  );
}

function parseStateFile(text: string, file: string): IStateFile {
  const fail = (why: string): never => {
    throw new Error(
      `${file} is not a valid emulator data file (${why}); move it aside or fix it`
    );
  };
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return fail('not JSON');
  }
  if (!isRecordObject(data)) {
    return fail('not a JSON object');
  }
  if (data.version !== STATE_VERSION) {
    return fail(`unsupported version ${JSON.stringify(data.version)}`);
  }
  if (typeof data.signingKey !== 'string' || data.signingKey.length < 16) {
    return fail('bad signingKey');
  }
  if (
    typeof data.clockOffsetMs !== 'number' ||
    !Number.isFinite(data.clockOffsetMs)
  ) {
    return fail('bad clockOffsetMs');
  }
  if (!Array.isArray(data.tokens) || !data.tokens.every(isAccessTokenRecord)) {
    return fail('bad tokens');
  }
  if (
    !Array.isArray(data.registerTokens) ||
    !data.registerTokens.every(isRegisterTokenRecord)
  ) {
    return fail('bad registerTokens');
  }
  return data as unknown as IStateFile;
}

/**
 * The emulator's state: access tokens, pending registration tokens, the bearer signing key and
 * the clock offset. Mutations are synchronous; `commit()` persists the current state to the data
 * file (when there is one) atomically, one write at a time.
 */
export class Store {
  private constructor(file: string | undefined, state: IStateFile) {
    this.file = file;
    this._signingKey = state.signingKey;
    this.clockOffsetMs = state.clockOffsetMs;
    for (const token of state.tokens) {
      this._insertToken(token);
    }
    for (const registration of state.registerTokens) {
      this._registerTokens.set(registration.secretSha256, registration);
    }
  }

  /** Load the state from `file`, or start empty when it is absent or not given. */
  static async open(file?: string): Promise<Store> {
    const text = file === undefined ? null : await readFileIfExists(file);
    const state =
      text === null
        ? {
            version: STATE_VERSION,
            signingKey: newSigningKey(),
            clockOffsetMs: 0,
            tokens: [],
            registerTokens: []
          }
        : parseStateFile(text, file as string);
    const store = new Store(file, state as IStateFile);
    // Write at once: creates a missing file, and rewrites an existing one 0600 (checking that the
    // folder is writable before any request depends on it).
    await store.commit();
    return store;
  }

  /** The data file, if the state is persisted. */
  readonly file: string | undefined;

  /** Emulated clock offset, persisted with the state. */
  clockOffsetMs: number;

  /** HMAC key for bearers (base64url). */
  get signingKey(): string {
    return this._signingKey;
  }

  /** Access tokens, oldest first. */
  tokens(): IAccessTokenRecord[] {
    return [...this._tokensByName.values()].sort(
      (a, b) => a.createdAt - b.createdAt
    );
  }

  tokenByName(name: string): IAccessTokenRecord | undefined {
    return this._tokensByName.get(name);
  }

  tokenById(id: string): IAccessTokenRecord | undefined {
    return this._tokensById.get(id);
  }

  tokenByHash(secretSha256: string): IAccessTokenRecord | undefined {
    return this._tokensByHash.get(secretSha256);
  }

  /** Add an access token; its name must be free. */
  addToken(token: IAccessTokenRecord): void {
    if (this._tokensByName.has(token.name)) {
      throw new Error(`An access token named '${token.name}' already exists`);
    }
    this._insertToken(token);
  }

  /** Remove the access token named `name`; returns it, or undefined if there was none. */
  removeToken(name: string): IAccessTokenRecord | undefined {
    const token = this._tokensByName.get(name);
    if (token) {
      this._tokensByName.delete(token.name);
      this._tokensById.delete(token.id);
      this._tokensByHash.delete(token.secretSha256);
    }
    return token;
  }

  registerToken(secretSha256: string): IRegisterTokenRecord | undefined {
    return this._registerTokens.get(secretSha256);
  }

  addRegisterToken(registration: IRegisterTokenRecord): void {
    this._registerTokens.set(registration.secretSha256, registration);
  }

  removeRegisterToken(secretSha256: string): void {
    this._registerTokens.delete(secretSha256);
  }

  /** Forget registration tokens that expired before `now` (they could never be redeemed). */
  pruneRegisterTokens(now: number): void {
    for (const [hash, registration] of this._registerTokens) {
      if (registration.expiresAt <= now) {
        this._registerTokens.delete(hash);
      }
    }
  }

  /** Forget everything and start over with a new signing key and no clock offset. */
  wipe(): void {
    this._tokensByName.clear();
    this._tokensById.clear();
    this._tokensByHash.clear();
    this._registerTokens.clear();
    this._signingKey = newSigningKey();
    this.clockOffsetMs = 0;
  }

  /**
   * Persist the current state. Writes are serialised; the returned promise settles when a write
   * that includes every change made before this call has finished.
   */
  commit(): Promise<void> {
    const file = this.file;
    if (file === undefined) {
      return Promise.resolve();
    }
    const write = this._lastWrite.then(
      () => writeFileAtomic(file, this._serialize()),
      () => writeFileAtomic(file, this._serialize())
    );
    this._lastWrite = write;
    return write;
  }

  /** Wait for pending writes; a failed write has already been reported to its caller. */
  async flush(): Promise<void> {
    await this._lastWrite.then(
      () => undefined,
      () => undefined
    );
  }

  private _serialize(): string {
    const state: IStateFile = {
      version: STATE_VERSION,
      signingKey: this._signingKey,
      clockOffsetMs: this.clockOffsetMs,
      tokens: this.tokens(),
      registerTokens: [...this._registerTokens.values()]
    };
    return JSON.stringify(state, null, 2) + '\n';
  }

  private _insertToken(token: IAccessTokenRecord): void {
    this._tokensByName.set(token.name, token);
    this._tokensById.set(token.id, token);
    this._tokensByHash.set(token.secretSha256, token);
  }

  private _signingKey: string;
  private readonly _tokensByName = new Map<string, IAccessTokenRecord>();
  private readonly _tokensById = new Map<string, IAccessTokenRecord>();
  private readonly _tokensByHash = new Map<string, IAccessTokenRecord>();
  private readonly _registerTokens = new Map<string, IRegisterTokenRecord>();
  private _lastWrite: Promise<void> = Promise.resolve();
}
