import type { IncomingMessage, ServerResponse } from 'node:http';

import { ApiError, badRequest } from './errors';

/** A request as the route handlers see it. */
export interface IRequest {
  method: string;
  /** Path of the URL, still percent-encoded, without the query string. */
  path: string;
  headers: IncomingMessage['headers'];
  body: Buffer;
}

/** What a handler answers; `body` undefined means no body. */
export interface IResponse {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

/** Request bodies larger than this are refused with 413. */
export const MAX_BODY_BYTES = 1024 * 1024;

/** Read the whole request body (up to MAX_BODY_BYTES). */
export function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) {
        chunks.push(chunk);
      }
    });
    req.on('end', () => {
      if (size > MAX_BODY_BYTES) {
        reject(
          new ApiError(
            413,
            'body',
            `The request body exceeds ${MAX_BODY_BYTES} bytes`
          )
        );
      } else {
        resolve(Buffer.concat(chunks));
      }
    });
    req.on('error', reject);
  });
}

/** Parse a request body that must be a JSON object; 400 `body` otherwise. */
export function jsonObject(body: Buffer): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(body.toString('utf8'));
  } catch {
    throw badRequest('body', 'The request body must be a JSON object');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw badRequest('body', 'The request body must be a JSON object');
  }
  return value as Record<string, unknown>;
}

/** Headers that let a browser page on any origin call the emulator. */
export function corsHeaders(req: IncomingMessage): Record<string, string> {
  const requested = req.headers['access-control-request-headers'];
  return {
    'Access-Control-Allow-Origin': '*',
    'Access-Control-Allow-Methods': 'GET, POST, DELETE, OPTIONS',
    'Access-Control-Allow-Headers':
      typeof requested === 'string' && requested.length > 0
        ? requested
        : 'Authorization, Content-Type',
    'Access-Control-Expose-Headers': 'Retry-After',
    'Access-Control-Max-Age': '600'
  };
}

/** Write a response with CORS headers; JSON bodies are serialised here. */
export function send(
  req: IncomingMessage,
  res: ServerResponse,
  response: IResponse
): void {
  const headers: Record<string, string> = {
    ...corsHeaders(req),
    'Cache-Control': 'no-store',
    ...response.headers
  };
  if (response.body === undefined) {
    res.writeHead(response.status, headers);
    res.end();
    return;
  }
  const text = JSON.stringify(response.body);
  headers['Content-Type'] = 'application/json';
  headers['Content-Length'] = String(Buffer.byteLength(text));
  res.writeHead(response.status, headers);
  res.end(text);
}

/** Write a raw body with the given content type (used by fault injection). */
export function sendRaw(
  req: IncomingMessage,
  res: ServerResponse,
  status: number,
  contentType: string,
  body: string,
  extraHeaders: Record<string, string> = {}
): void {
  res.writeHead(status, {
    ...corsHeaders(req),
    'Cache-Control': 'no-store',
    ...extraHeaders,
    'Content-Type': contentType,
    'Content-Length': String(Buffer.byteLength(body))
  });
  res.end(body);
}
