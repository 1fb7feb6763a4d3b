import {
  createServer,
  type IncomingMessage,
  type RequestListener,
  type Server,
  type ServerResponse
} from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';

import { Clock } from './clock';
import type { IContext } from './context';
import type { RedeemResponse } from './contract';
import {
  CONTROL_PREFIX,
  handleControl,
  type IConnectionStats,
  type IControlTarget,
  type IMintRequest
} from './control';
import { ApiError, errorBody } from './errors';
import { applyFault } from './fault-responses';
import { Faults, type IFault, type IFaultSpec } from './faults';
import * as fields from './fields';
import { type IRequest, type IResponse, readBody, send } from './http';
import { mintAccessToken } from './mint';
import { handleApi, routeLabel } from './routes';
import { shortId } from './secrets';
import { Store } from './store';
import type { ICertificatePair } from './tls';
import { toTokenInfo } from './token-info';
import { ACCESS_TOKEN_LIFETIME_MAX_SECONDS } from './ttl';

/** Options of `startEmulator`. */
export interface IEmulatorOptions {
  /** Port to listen on; 0 (the default) picks a free one. */
  port?: number;
  /** Interface to listen on; default 127.0.0.1. */
  host?: string;
  /** File to persist the state to (created 0600); omitted = state lives in memory only. */
  dataFile?: string;
  /** Serve the control API under /_emulator/ (404 otherwise). */
  control?: boolean;
  /** Lifetime of bearers issued by POST /auth/refresh, in seconds; default 300. */
  bearerTtlSeconds?: number;
  /** Base time source in ms since the epoch (default Date.now); the clock adds its offset. */
  now?: () => number;
  /** Called with one line per request (`METHOD /path status`) when given. */
  log?: (line: string) => void;
  /** Serve HTTPS with this certificate and key (PEM); plain HTTP without it. */
  tls?: ICertificatePair;
}

/** A running emulator. */
export interface IEmulator extends IControlTarget {
  /** Base URL of the API, e.g. `http://127.0.0.1:8765` or `https://...` (no trailing slash). */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  readonly dataFile: string | undefined;
  /** The emulated clock; prefer `advance()`, which also persists the offset. */
  readonly clock: Clock;
  /** Mint an ADMIN access token (default name `admin-<6 hex>`) and return its value. */
  seedAdmin(name?: string): Promise<string>;
  /** Stop listening, drop open connections and finish pending writes. */
  close(): Promise<void>;
}

/** Issuer name of tokens minted by the emulator itself (seeded or via the control API). */
export const EMULATOR_ISSUER = 'emulator';

const DEFAULT_BEARER_TTL_SECONDS = 300;

interface IPendingDelay {
  timer: NodeJS.Timeout;
  resolve: () => void;
}

class Emulator implements IEmulator {
  constructor(
    store: Store,
    clock: Clock,
    options: IEmulatorOptions,
    bearerTtlSeconds: number
  ) {
    this._store = store;
    this.clock = clock;
    this.dataFile = store.file;
    this._control = options.control ?? false;
    this._log = options.log;
    this._context = { store, clock, bearerTtlSeconds };
    const listener: RequestListener = (req, res) => {
      this._handle(req, res).catch(error =>
        this._internalError(req, res, error)
      );
    };
    this._scheme = options.tls ? 'https' : 'http';
    this._server = options.tls
      ? createTlsServer(
          { cert: options.tls.cert, key: options.tls.key },
          listener
        )
      : createServer(listener);
    // TCP connections, counted before any TLS handshake: what keep-alive saves.
    this._server.on('connection', (socket: Socket) => this._opened(socket));
  }

  readonly clock: Clock;
  readonly dataFile: string | undefined;
  host = '';
  port = 0;

  get url(): string {
    const host = this.host.includes(':') ? `[${this.host}]` : this.host;
    return `${this._scheme}://${host}:${this.port}`;
  }

  async listen(port: number, host: string): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this._server.once('error', reject);
      this._server.listen(port, host, () => {
        this._server.off('error', reject);
        resolve();
      });
    });
    const address = this._server.address() as AddressInfo;
    this.host = host;
    this.port = address.port;
  }

  now(): Date {
    return this.clock.date();
  }

  clockOffsetSeconds(): number {
    return this.clock.offsetMs / 1000;
  }

  async advance(seconds: number): Promise<Date> {
    this.clock.advance(seconds);
    this._store.clockOffsetMs = this.clock.offsetMs;
    await this._store.commit();
    return this.now();
  }

  addFault(spec: IFaultSpec): IFault {
    return this._faults.add(spec);
  }

  listFaults(): IFault[] {
    return this._faults.list();
  }

  clearFaults(): void {
    this._faults.clear();
  }

  async reset(): Promise<void> {
    this._store.wipe();
    this.clock.reset(0);
    this._faults.clear();
    this.resetStats();
    await this._store.commit();
  }

  async mintToken(request: IMintRequest = {}): Promise<RedeemResponse> {
    const body = request as Record<string, unknown>;
    const type =
      body.token_type === undefined
        ? 'USER'
        : fields.tokenType(body, 'token_type');
    const name =
      body.name === undefined
        ? `${type === 'ADMIN' ? 'admin' : 'user'}-${shortId()}`
        : fields.tokenName(body, 'name');
    const lifetime = fields.optionalTtl(
      body,
      'refresh_ttl',
      ACCESS_TOKEN_LIFETIME_MAX_SECONDS
    );
    if (this._store.tokenByName(name) !== undefined) {
      throw new ApiError(
        409,
        'name',
        `An access token named '${name}' already exists`
      );
    }
    const { value, record } = mintAccessToken(
      this._store,
      {
        name,
        type,
        issuerName: EMULATOR_ISSUER,
        lifetimeSeconds: lifetime?.seconds ?? null
      },
      this.clock.now()
    );
    await this._store.commit();
    return { refresh_token: value, token: toTokenInfo(record) };
  }

  async seedAdmin(name?: string): Promise<string> {
    const minted = await this.mintToken({ name, token_type: 'ADMIN' });
    return minted.refresh_token;
  }

  stats(): Record<string, number> {
    return Object.fromEntries(this._stats);
  }

  resetStats(): void {
    this._stats.clear();
    this._connections = {
      opened: 0,
      open: this._connections.open,
      peak: this._connections.open
    };
  }

  connections(): IConnectionStats {
    return { ...this._connections };
  }

  closeIdleConnections(): void {
    this._server.closeIdleConnections();
  }

  private _opened(socket: Socket): void {
    const counts = this._connections;
    counts.opened += 1;
    counts.open += 1;
    counts.peak = Math.max(counts.peak, counts.open);
    socket.once('close', () => {
      this._connections.open -= 1;
    });
  }

  async close(): Promise<void> {
    if (this._closing === null) {
      this._closing = this._shutdown();
    }
    return this._closing;
  }

  private async _shutdown(): Promise<void> {
    for (const pending of this._delays) {
      clearTimeout(pending.timer);
      pending.resolve();
    }
    this._delays.clear();
    const closed = new Promise<void>(resolve =>
      this._server.close(() => resolve())
    );
    this._server.closeAllConnections();
    await closed;
    await this._store.flush();
  }

  private async _handle(
    req: IncomingMessage,
    res: ServerResponse
  ): Promise<void> {
    const method = (req.method ?? 'GET').toUpperCase();
    const path = new URL(req.url ?? '/', 'http://emulator').pathname;
    if (this._log) {
      const log = this._log;
      res.on('close', () =>
        log(
          `${method} ${path} ${res.writableFinished ? res.statusCode : 'dropped'}`
        )
      );
    }
    if (path === CONTROL_PREFIX || path.startsWith(`${CONTROL_PREFIX}/`)) {
      await this._handleControl(req, res, method, path);
      return;
    }

    const label = routeLabel(method, path);
    if (label !== null) {
      this._stats.set(label, (this._stats.get(label) ?? 0) + 1);
    }
    const latency = this._faults.takeLatency(method, path);
    if (latency > 0) {
      await this._delay(latency);
      if (this._closing !== null || res.destroyed) {
        return;
      }
    }
    const fault = this._faults.takeResponse(method, path);
    if (fault !== null && !fault.process) {
      applyFault(req, res, fault);
      return;
    }
    const response =
      method === 'OPTIONS'
        ? { status: 204 }
        : await this._answer(req, method, path, request =>
            handleApi(this._context, request)
          );
    if (fault !== null) {
      applyFault(req, res, fault);
    } else {
      send(req, res, response);
    }
  }

  private async _handleControl(
    req: IncomingMessage,
    res: ServerResponse,
    method: string,
    path: string
  ): Promise<void> {
    if (!this._control) {
      send(req, res, {
        status: 404,
        body: errorBody(404, 'path', 'No such endpoint')
      });
      return;
    }
    const response =
      method === 'OPTIONS'
        ? { status: 204 }
        : await this._answer(req, method, path, request =>
            handleControl(this, request)
          );
    send(req, res, response);
  }

  /** Read the body and run `handler`, turning API errors into error responses. */
  private async _answer(
    req: IncomingMessage,
    method: string,
    path: string,
    handler: (request: IRequest) => Promise<IResponse>
  ): Promise<IResponse> {
    try {
      const body = await readBody(req);
      return await handler({ method, path, headers: req.headers, body });
    } catch (error) {
      if (error instanceof ApiError) {
        return {
          status: error.status,
          body: error.body(),
          headers: error.headers
        };
      }
      throw error;
    }
  }

  private _internalError(
    req: IncomingMessage,
    res: ServerResponse,
    error: unknown
  ): void {
    // Our own messages never carry secret values; request data is not included.
    process.stderr.write(
      `ML Platform emulator: internal error: ${error instanceof Error ? error.message : String(error)}\n`
    );
    if (!res.headersSent && !res.destroyed) {
      send(req, res, { status: 500, body: errorBody(500) });
    } else {
      res.destroy();
    }
  }

  private _delay(ms: number): Promise<void> {
    return new Promise(resolve => {
      const pending: IPendingDelay = {
        timer: setTimeout(() => {
          this._delays.delete(pending);
          resolve();
        }, ms),
        resolve
      };
      this._delays.add(pending);
    });
  }

  private readonly _store: Store;
  private readonly _control: boolean;
  private readonly _log: ((line: string) => void) | undefined;
  private readonly _context: IContext;
  private readonly _server: Server;
  private readonly _scheme: 'http' | 'https';
  private _connections: IConnectionStats = { opened: 0, open: 0, peak: 0 };
  private readonly _faults = new Faults();
  private readonly _stats = new Map<string, number>();
  private readonly _delays = new Set<IPendingDelay>();
  private _closing: Promise<void> | null = null;
}

/** Start an emulator of the ML Platform tokens API (see api/openapi.yaml). */
export async function startEmulator(
  options: IEmulatorOptions = {}
): Promise<IEmulator> {
  const bearerTtlSeconds =
    options.bearerTtlSeconds ?? DEFAULT_BEARER_TTL_SECONDS;
  if (!Number.isInteger(bearerTtlSeconds) || bearerTtlSeconds < 1) {
    throw new RangeError('bearerTtlSeconds must be a positive integer');
  }
  const store = await Store.open(options.dataFile);
  const clock = new Clock(options.now ?? Date.now, store.clockOffsetMs);
  const emulator = new Emulator(store, clock, options, bearerTtlSeconds);
  await emulator.listen(options.port ?? 0, options.host ?? '127.0.0.1');
  return emulator;
}
