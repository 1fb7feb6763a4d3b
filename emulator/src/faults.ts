import { badRequest } from './errors';

/**
 * Injected failures, for testing how clients cope with a slow or failing service.
 *
 * - `latency`: wait `latency_ms` before handling the request (combines with the others).
 * - `status`: answer `status` (with `retry_after` as a Retry-After header, and `body` or the
 *   standard error body) instead of handling the request.
 * - `drop`: destroy the connection without any response.
 * - `malformed-json`: answer `status` (default 200) with `Content-Type: application/json` and a
 *   truncated JSON body.
 * - `non-json`: answer `status` (default 200) with an HTML page (`text/html`).
 *
 * A fault applies to the next `count` matching requests (absent or null: until cleared), to
 * requests whose method is `method` (any if absent; preflight OPTIONS requests only when named
 * explicitly) and whose path starts with `path_prefix` (any if absent). With `process: true` the
 * request is handled first (its changes are kept) and only its response is replaced, as when a
 * reply is lost on the way back. Control requests are never faulted.
 */
export type FaultKind =
  'latency' | 'status' | 'drop' | 'malformed-json' | 'non-json';

export const FAULT_KINDS: readonly FaultKind[] = [
  'latency',
  'status',
  'drop',
  'malformed-json',
  'non-json'
];

/** A fault as requested (the JSON body of `POST /_emulator/faults`). */
export interface IFaultSpec {
  kind: FaultKind;
  count?: number | null;
  method?: string;
  path_prefix?: string;
  latency_ms?: number;
  status?: number;
  retry_after?: string | number;
  body?: unknown;
  process?: boolean;
}

/** An active fault; `remaining` null means until cleared. */
export interface IFault {
  id: string;
  kind: FaultKind;
  remaining: number | null;
  method: string | null;
  path_prefix: string | null;
  latency_ms: number | null;
  status: number | null;
  retry_after: string | null;
  body: unknown;
  process: boolean;
}

function isInteger(value: unknown, min: number, max: number): value is number {
  return (
    typeof value === 'number' &&
    Number.isInteger(value) &&
    value >= min &&
    value <= max
  );
}

/** Validate a fault request; 400 naming the bad property. */
export function parseFaultSpec(input: unknown): IFaultSpec {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw badRequest('body', 'The fault must be a JSON object');
  }
  const spec = input as Record<string, unknown>;
  if (!FAULT_KINDS.includes(spec.kind as FaultKind)) {
    throw badRequest('kind', `kind must be one of ${FAULT_KINDS.join(', ')}`);
  }
  const kind = spec.kind as FaultKind;
  if (
    spec.count !== undefined &&
    spec.count !== null &&
    !isInteger(spec.count, 1, 1e9)
  ) {
    throw badRequest('count', 'count must be a positive integer or null');
  }
  if (
    spec.method !== undefined &&
    (typeof spec.method !== 'string' || !/^[A-Za-z]+$/.test(spec.method))
  ) {
    throw badRequest('method', 'method must be an HTTP method such as GET');
  }
  if (
    spec.path_prefix !== undefined &&
    (typeof spec.path_prefix !== 'string' || !spec.path_prefix.startsWith('/'))
  ) {
    throw badRequest('path_prefix', 'path_prefix must start with /');
  }
  if (kind === 'latency' && !isInteger(spec.latency_ms, 0, 600000)) {
    throw badRequest(
      'latency_ms',
      'latency_ms must be an integer from 0 to 600000'
    );
  }
  if (kind === 'status' && !isInteger(spec.status, 100, 599)) {
    throw badRequest('status', 'status must be an HTTP status from 100 to 599');
  }
  if (
    (kind === 'malformed-json' || kind === 'non-json') &&
    spec.status !== undefined &&
    !isInteger(spec.status, 100, 599)
  ) {
    throw badRequest('status', 'status must be an HTTP status from 100 to 599');
  }
  if (
    spec.retry_after !== undefined &&
    !isInteger(spec.retry_after, 0, 86400) &&
    (typeof spec.retry_after !== 'string' ||
      !/^[\x20-\x7e]+$/.test(spec.retry_after))
  ) {
    throw badRequest(
      'retry_after',
      'retry_after must be seconds or an HTTP-date'
    );
  }
  if (spec.process !== undefined && typeof spec.process !== 'boolean') {
    throw badRequest('process', 'process must be true or false');
  }
  return spec as unknown as IFaultSpec;
}

/** The active faults and their matching. */
export class Faults {
  /** Add a fault (validated) and return it as active. */
  add(input: IFaultSpec): IFault {
    const spec = parseFaultSpec(input);
    const fault: IFault = {
      id: String(++this._lastId),
      kind: spec.kind,
      remaining: spec.count ?? null,
      method: spec.method?.toUpperCase() ?? null,
      path_prefix: spec.path_prefix ?? null,
      latency_ms: spec.kind === 'latency' ? (spec.latency_ms ?? 0) : null,
      status: spec.status ?? null,
      retry_after:
        spec.retry_after === undefined ? null : String(spec.retry_after),
      body: spec.body,
      process: spec.process ?? false
    };
    this._faults.push(fault);
    return { ...fault };
  }

  list(): IFault[] {
    return this._faults.map(fault => ({ ...fault }));
  }

  clear(): void {
    this._faults = [];
  }

  /** Milliseconds to delay this request (uses up one count of the first matching latency fault). */
  takeLatency(method: string, path: string): number {
    const fault = this._take(method, path, kind => kind === 'latency');
    return fault?.latency_ms ?? 0;
  }

  /** The response fault for this request, if any (uses up one count of it). */
  takeResponse(method: string, path: string): IFault | null {
    return this._take(method, path, kind => kind !== 'latency');
  }

  private _take(
    method: string,
    path: string,
    accept: (kind: FaultKind) => boolean
  ): IFault | null {
    const index = this._faults.findIndex(
      fault =>
        accept(fault.kind) &&
        (fault.method === null
          ? method !== 'OPTIONS'
          : fault.method === method) &&
        (fault.path_prefix === null || path.startsWith(fault.path_prefix))
    );
    if (index < 0) {
      return null;
    }
    const fault = this._faults[index];
    if (fault.remaining !== null) {
      fault.remaining -= 1;
      if (fault.remaining <= 0) {
        this._faults.splice(index, 1);
      }
    }
    return { ...fault };
  }

  private _faults: IFault[] = [];
  private _lastId = 0;
}
