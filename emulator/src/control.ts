import { ApiError, badRequest } from './errors';
import type { IFault, IFaultSpec } from './faults';
import { type IRequest, type IResponse, jsonObject } from './http';
import type { TokenType } from './roles';
import type { RedeemResponse } from './contract';

/** Prefix of the control API. */
export const CONTROL_PREFIX = '/_emulator';

/** What a new token minted through the control API is to be. */
export interface IMintRequest {
  name?: string;
  token_type?: TokenType;
  refresh_ttl?: string | null;
}

/** TCP connections accepted: since the last stats reset, open now, most open at once since then. */
export interface IConnectionStats {
  opened: number;
  open: number;
  peak: number;
}

/** The operations the control API exposes (the Emulator object implements them). */
export interface IControlTarget {
  now(): Date;
  advance(seconds: number): Promise<Date>;
  clockOffsetSeconds(): number;
  addFault(spec: IFaultSpec): IFault;
  listFaults(): IFault[];
  clearFaults(): void;
  reset(): Promise<void>;
  mintToken(request?: IMintRequest): Promise<RedeemResponse>;
  stats(): Record<string, number>;
  resetStats(): void;
  connections(): IConnectionStats;
  /** Close keep-alive connections that are not serving a request, as a server's idle timeout would. */
  closeIdleConnections(): void;
}

function clockBody(target: IControlTarget): IResponse {
  return {
    status: 200,
    body: {
      now: target.now().toISOString(),
      offset_seconds: target.clockOffsetSeconds()
    }
  };
}

/**
 * Answer a request under `/_emulator/`:
 *
 * - `GET /_emulator/clock` → `{now, offset_seconds}`
 * - `POST /_emulator/clock {advance_seconds}` → `{now, offset_seconds}`
 * - `GET /_emulator/faults` → `{faults: Fault[]}`
 * - `POST /_emulator/faults {kind, ...}` → 201 Fault
 * - `DELETE /_emulator/faults` → 204
 * - `POST /_emulator/reset` → 204 (forget every token, new signing key, clock offset 0, no faults)
 * - `POST /_emulator/tokens {name?, token_type?, refresh_ttl?}` → 201 `{refresh_token, token}`
 * - `GET /_emulator/stats` → `{requests: {"METHOD /template": count}, connections: {opened, open, peak}}`;
 *   `DELETE` → 204 (zeroes)
 * - `DELETE /_emulator/connections` → 204, idle keep-alive connections closed
 */
export async function handleControl(
  target: IControlTarget,
  req: IRequest
): Promise<IResponse> {
  const key = `${req.method} ${req.path.slice(CONTROL_PREFIX.length)}`;
  switch (key) {
    case 'GET /clock':
      return clockBody(target);
    case 'POST /clock': {
      const seconds = jsonObject(req.body).advance_seconds;
      if (
        typeof seconds !== 'number' ||
        !Number.isFinite(seconds) ||
        seconds < 0
      ) {
        throw badRequest(
          'advance_seconds',
          'advance_seconds must be a number of seconds >= 0'
        );
      }
      await target.advance(seconds);
      return clockBody(target);
    }
    case 'GET /faults':
      return { status: 200, body: { faults: target.listFaults() } };
    case 'POST /faults':
      return {
        status: 201,
        body: target.addFault(jsonObject(req.body) as unknown as IFaultSpec)
      };
    case 'DELETE /faults':
      target.clearFaults();
      return { status: 204 };
    case 'POST /reset':
      await target.reset();
      return { status: 204 };
    case 'POST /tokens': {
      const body = req.body.length === 0 ? {} : jsonObject(req.body);
      return {
        status: 201,
        body: await target.mintToken(body as IMintRequest)
      };
    }
    case 'GET /stats':
      return {
        status: 200,
        body: { requests: target.stats(), connections: target.connections() }
      };
    case 'DELETE /stats':
      target.resetStats();
      return { status: 204 };
    case 'DELETE /connections':
      target.closeIdleConnections();
      return { status: 204 };
    default:
      throw new ApiError(404, 'path', 'No such control endpoint');
  }
}
