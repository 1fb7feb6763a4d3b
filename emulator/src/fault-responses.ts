import type { IncomingMessage, ServerResponse } from 'node:http';

import { errorBody, reasonPhrase } from './errors';
import type { IFault } from './faults';
import { send, sendRaw } from './http';

/** Answer `req` as the response fault `fault` says. */
export function applyFault(
  req: IncomingMessage,
  res: ServerResponse,
  fault: IFault
): void {
  const extra: Record<string, string> =
    fault.retry_after === null ? {} : { 'Retry-After': fault.retry_after };
  switch (fault.kind) {
    case 'drop':
      req.socket.destroy();
      return;
    case 'status': {
      const status = fault.status ?? 500;
      const noBody = status === 204 || status === 304 || status < 200;
      send(req, res, {
        status,
        headers: extra,
        body: noBody ? undefined : (fault.body ?? errorBody(status))
      });
      return;
    }
    case 'malformed-json':
      sendRaw(
        req,
        res,
        fault.status ?? 200,
        'application/json',
        '{"tokens": [{"id": "',
        extra
      );
      return;
    case 'non-json': {
      const status = fault.status ?? 200;
      const title = `${status} ${reasonPhrase(status)}`;
      sendRaw(
        req,
        res,
        status,
        'text/html; charset=utf-8',
        `<!DOCTYPE html>\n<html><head><title>${title}</title></head>` +
          `<body><h1>${title}</h1><hr><p>gateway</p></body></html>\n`,
        extra
      );
      return;
    }
    case 'latency':
      throw new Error('A latency fault does not replace the response');
  }
}
