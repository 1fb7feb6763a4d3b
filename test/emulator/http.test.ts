/** @jest-environment node */
import {
  call,
  expectError,
  type ITestEmulator,
  startTestEmulator
} from './harness';

describe('emulator: HTTP surface', () => {
  let t: ITestEmulator;

  afterEach(async () => {
    await t.dispose();
  });

  describe('CORS', () => {
    beforeEach(async () => {
      t = await startTestEmulator();
    });

    it('answers a preflight with 204 and the allowed methods and headers', async () => {
      const result = await call(t.emulator.url, 'OPTIONS', '/register-tokens', {
        headers: {
          Origin: 'http://localhost:8888',
          'Access-Control-Request-Method': 'POST',
          'Access-Control-Request-Headers': 'authorization, content-type'
        }
      });
      expect(result.status).toBe(204);
      expect(result.headers.get('access-control-allow-origin')).toBe('*');
      expect(result.headers.get('access-control-allow-methods')).toContain(
        'POST'
      );
      expect(result.headers.get('access-control-allow-methods')).toContain(
        'DELETE'
      );
      expect(result.headers.get('access-control-allow-headers')).toMatch(
        /authorization/i
      );
      expect(result.headers.get('access-control-allow-headers')).toMatch(
        /content-type/i
      );
    });

    it('sets CORS headers on successes and errors, and exposes Retry-After', async () => {
      const admin = await t.emulator.seedAdmin();
      const ok = await call(t.emulator.url, 'POST', '/auth/refresh', {
        json: { refresh_token: admin },
        headers: { Origin: 'http://localhost:8888' }
      });
      const denied = await call(t.emulator.url, 'GET', '/tokens', {
        headers: { Origin: 'http://localhost:8888' }
      });
      for (const result of [ok, denied]) {
        expect(result.headers.get('access-control-allow-origin')).toBe('*');
        expect(result.headers.get('access-control-expose-headers')).toMatch(
          /Retry-After/
        );
      }
      expect(ok.status).toBe(200);
      expect(denied.status).toBe(401);
    });

    it('marks responses as not cacheable', async () => {
      const result = await call(t.emulator.url, 'GET', '/tokens/me');
      expect(result.headers.get('cache-control')).toBe('no-store');
    });
  });

  describe('control API switch', () => {
    it('answers 404 under /_emulator/ when control is off', async () => {
      t = await startTestEmulator({ control: false });
      const url = t.emulator.url;
      expectError(await call(url, 'GET', '/_emulator/clock'), 404, 'path');
      expectError(
        await call(url, 'POST', '/_emulator/clock', {
          json: { advance_seconds: 10 }
        }),
        404,
        'path'
      );
      expectError(
        await call(url, 'POST', '/_emulator/faults', {
          json: { kind: 'drop' }
        }),
        404,
        'path'
      );
      expectError(await call(url, 'POST', '/_emulator/reset'), 404, 'path');
      expect(t.emulator.clockOffsetSeconds()).toBe(0);
      expect(t.emulator.listFaults()).toEqual([]);
    });

    it('serves /_emulator/ when control is on', async () => {
      t = await startTestEmulator({ control: true });
      const result = await call(t.emulator.url, 'GET', '/_emulator/clock');
      expect(result.status).toBe(200);
    });
  });

  describe('logging', () => {
    it('logs one line per request with method, path and status, and no secrets', async () => {
      const lines: string[] = [];
      t = await startTestEmulator({ log: line => lines.push(line) });
      const admin = await t.emulator.seedAdmin();
      await call(t.emulator.url, 'POST', '/auth/refresh', {
        json: { refresh_token: admin }
      });
      await call(t.emulator.url, 'GET', '/tokens/me');
      await new Promise(resolve => setImmediate(resolve));
      expect(lines).toEqual(['POST /auth/refresh 200', 'GET /tokens/me 401']);
    });
  });
});
