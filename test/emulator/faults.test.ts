/** @jest-environment node */
import { fetch } from 'undici';

import {
  bearerFor,
  call,
  createRegisterToken,
  expectError,
  type ITestEmulator,
  startTestEmulator,
  type TokenList
} from './harness';

async function timed<T>(action: () => Promise<T>): Promise<[T, number]> {
  const start = performance.now();
  const result = await action();
  return [result, performance.now() - start];
}

describe('emulator: fault injection', () => {
  let t: ITestEmulator;
  let url: string;
  let admin: string;
  let bearer: string;

  beforeEach(async () => {
    t = await startTestEmulator({ control: true });
    url = t.emulator.url;
    admin = await t.emulator.seedAdmin('ops');
    bearer = await bearerFor(url, admin);
  });

  afterEach(async () => {
    await t.dispose();
  });

  const addFault = (spec: Record<string, unknown>) =>
    call<{ id: string; remaining: number | null }>(
      url,
      'POST',
      '/_emulator/faults',
      {
        json: spec
      }
    );

  describe('latency', () => {
    it('delays the next N requests, then answers at full speed', async () => {
      expect(
        (await addFault({ kind: 'latency', latency_ms: 800, count: 1 })).status
      ).toBe(201);
      const [slow, slowMs] = await timed(() =>
        call(url, 'GET', '/tokens/me', { bearer })
      );
      const [fast, fastMs] = await timed(() =>
        call(url, 'GET', '/tokens/me', { bearer })
      );
      expect(slow.status).toBe(200);
      expect(fast.status).toBe(200);
      expect(slowMs).toBeGreaterThanOrEqual(780);
      expect(fastMs).toBeLessThan(500);
    });

    it('delays every request until cleared when no count is given', async () => {
      await addFault({ kind: 'latency', latency_ms: 500 });
      for (let i = 0; i < 2; i++) {
        const [, ms] = await timed(() =>
          call(url, 'GET', '/tokens/me', { bearer })
        );
        expect(ms).toBeGreaterThanOrEqual(480);
      }
      expect((await call(url, 'DELETE', '/_emulator/faults')).status).toBe(204);
      const [, ms] = await timed(() =>
        call(url, 'GET', '/tokens/me', { bearer })
      );
      expect(ms).toBeLessThan(400);
    });
  });

  describe('status', () => {
    it('answers the status with Retry-After and an error body for N requests, then normally', async () => {
      await addFault({ kind: 'status', status: 503, retry_after: 7, count: 2 });
      for (let i = 0; i < 2; i++) {
        const result = await call(url, 'GET', '/tokens', { bearer });
        expectError(result, 503, 'Service Unavailable');
        expect(result.headers.get('retry-after')).toBe('7');
        expect(result.headers.get('access-control-allow-origin')).toBe('*');
      }
      const after = await call<TokenList>(url, 'GET', '/tokens', { bearer });
      expect(after.status).toBe(200);
      expect(after.body.tokens).toHaveLength(1);
      expect(after.headers.get('retry-after')).toBeNull();
    });

    it('answers 429 with an HTTP-date Retry-After and a custom body', async () => {
      const body = {
        status: 429,
        errorCode: 'TooManyRequestsException',
        errorParams: { field: 'slow down' }
      };
      await addFault({
        kind: 'status',
        status: 429,
        retry_after: 'Wed, 21 Oct 2026 07:28:00 GMT',
        body,
        count: 1
      });
      const result = await call(url, 'POST', '/auth/refresh', {
        json: { refresh_token: admin }
      });
      expect(result.status).toBe(429);
      expect(result.headers.get('retry-after')).toBe(
        'Wed, 21 Oct 2026 07:28:00 GMT'
      );
      expect(result.body).toEqual(body);
    });

    it('does not handle the faulted request', async () => {
      await addFault({ kind: 'status', status: 500, count: 1 });
      expect(
        (await call(url, 'DELETE', '/tokens/ops', { bearer })).status
      ).toBe(500);
      expect((await call(url, 'GET', '/tokens/me', { bearer })).status).toBe(
        200
      );
    });
  });

  describe('drop', () => {
    it('destroys the connection without a response for N requests', async () => {
      await addFault({ kind: 'drop', count: 1 });
      await expect(
        fetch(`${url}/tokens/me`, {
          headers: { Authorization: `Bearer ${bearer}` }
        })
      ).rejects.toThrow();
      expect((await call(url, 'GET', '/tokens/me', { bearer })).status).toBe(
        200
      );
    });

    it('with process: true, keeps the effect of a request whose reply is lost', async () => {
      const reg = await createRegisterToken(url, bearer, {
        client_name: 'lost-reply',
        access_ttl: '1h',
        token_type: 'USER'
      });
      await addFault({
        kind: 'drop',
        count: 1,
        process: true,
        path_prefix: '/register-tokens/redeem'
      });
      await expect(
        fetch(`${url}/register-tokens/redeem`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ register_token: reg.body.register_token })
        })
      ).rejects.toThrow();
      const list = await call<TokenList>(url, 'GET', '/tokens', { bearer });
      expect(list.body.tokens.map(token => token.name)).toContain('lost-reply');
    });
  });

  describe('bodies that are not the contract', () => {
    it('sends truncated JSON labelled application/json for N requests', async () => {
      await addFault({ kind: 'malformed-json', count: 1 });
      const response = await fetch(`${url}/tokens`, {
        headers: { Authorization: `Bearer ${bearer}` }
      });
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('application/json');
      const text = await response.text();
      expect(() => JSON.parse(text)).toThrow(SyntaxError);
      expect((await call(url, 'GET', '/tokens', { bearer })).body).toEqual({
        tokens: expect.any(Array)
      });
    });

    it('sends an HTML page with the chosen status for N requests', async () => {
      await addFault({ kind: 'non-json', status: 502, count: 1 });
      const response = await fetch(`${url}/tokens/me`, {
        headers: { Authorization: `Bearer ${bearer}` }
      });
      expect(response.status).toBe(502);
      expect(response.headers.get('content-type')).toMatch(/^text\/html/);
      expect(await response.text()).toMatch(/^<!DOCTYPE html>/);
      expect((await call(url, 'GET', '/tokens/me', { bearer })).status).toBe(
        200
      );
    });

    it('defaults a non-JSON body to status 200', async () => {
      await addFault({ kind: 'non-json', count: 1 });
      const result = await call(url, 'GET', '/tokens/me', { bearer });
      expect(result.status).toBe(200);
      expect(result.body).toBeUndefined();
    });
  });

  describe('scope', () => {
    it('applies only to the given method and path prefix', async () => {
      await addFault({
        kind: 'status',
        status: 503,
        method: 'post',
        path_prefix: '/register-tokens'
      });
      expect((await call(url, 'GET', '/tokens/me', { bearer })).status).toBe(
        200
      );
      expect(
        (
          await call(url, 'POST', '/auth/refresh', {
            json: { refresh_token: admin }
          })
        ).status
      ).toBe(200);
      const hit = await createRegisterToken(url, bearer, {
        client_name: 'n',
        access_ttl: '1h',
        token_type: 'USER'
      });
      expect(hit.status).toBe(503);
      const redeem = await call(url, 'POST', '/register-tokens/redeem', {
        json: { register_token: 'x' }
      });
      expect(redeem.status).toBe(503);
    });

    it('never applies to control requests, and spares preflights unless asked', async () => {
      await addFault({ kind: 'drop' });
      expect((await call(url, 'GET', '/_emulator/clock')).status).toBe(200);
      const listed = await call<{
        faults: { kind: string; remaining: null }[];
      }>(url, 'GET', '/_emulator/faults');
      expect(listed.body.faults).toEqual([
        expect.objectContaining({ kind: 'drop', remaining: null })
      ]);
      expect((await call(url, 'OPTIONS', '/tokens')).status).toBe(204);
      await expect(fetch(`${url}/tokens/me`)).rejects.toThrow();
    });

    it('uses up counts and forgets exhausted faults', async () => {
      await addFault({ kind: 'status', status: 500, count: 2 });
      await call(url, 'GET', '/tokens/me', { bearer });
      expect(t.emulator.listFaults()).toEqual([
        expect.objectContaining({ remaining: 1 })
      ]);
      await call(url, 'GET', '/tokens/me', { bearer });
      expect(t.emulator.listFaults()).toEqual([]);
    });
  });

  describe('programmatic use and validation', () => {
    it('offers the same faults on the Emulator object', async () => {
      t.emulator.addFault({
        kind: 'status',
        status: 429,
        retry_after: 1,
        count: 1
      });
      const result = await call(url, 'GET', '/tokens/me', { bearer });
      expectError(result, 429, 'Too Many Requests');
      expect(result.headers.get('retry-after')).toBe('1');
      t.emulator.addFault({ kind: 'drop' });
      t.emulator.clearFaults();
      expect((await call(url, 'GET', '/tokens/me', { bearer })).status).toBe(
        200
      );
    });

    it.each([
      [{ kind: 'explode' }, 'kind'],
      [{ kind: 'latency' }, 'latency_ms'],
      [{ kind: 'status' }, 'status'],
      [{ kind: 'status', status: 700 }, 'status'],
      [{ kind: 'drop', count: 0 }, 'count'],
      [{ kind: 'drop', path_prefix: 'tokens' }, 'path_prefix'],
      [{ kind: 'drop', method: 'GET /x' }, 'method'],
      [{ kind: 'status', status: 503, retry_after: -1 }, 'retry_after']
    ])('refuses %j with 400 naming %s', async (spec, field) => {
      expectError(await addFault(spec), 400, field);
    });
  });
});
