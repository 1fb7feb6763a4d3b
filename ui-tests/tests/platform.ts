import { APIRequestContext, Browser, expect } from '@playwright/test';

/**
 * The emulator the UI tests run against (see playwright.config.js).
 */
export const EMULATOR_URL = `http://127.0.0.1:${process.env.MLP_EMULATOR_PORT || '8766'}`;

export interface IMinted {
  refresh_token: string;
  token: { name: string; type: string; exp: string | null };
}

/**
 * Mint an access token directly in the emulator (its control API).
 */
export async function mintToken(
  request: APIRequestContext,
  options: {
    name?: string;
    token_type?: 'USER' | 'ADMIN';
    refresh_ttl?: string;
  }
): Promise<IMinted> {
  const response = await request.post(`${EMULATOR_URL}/_emulator/tokens`, {
    data: options
  });
  expect(response.status()).toBe(201);
  return (await response.json()) as IMinted;
}

/**
 * Create a registration token with an Administrator token, over the API.
 */
export async function createRegistrationToken(
  request: APIRequestContext,
  adminToken: string,
  body: {
    client_name: string;
    token_type: 'USER' | 'ADMIN';
    access_ttl: string;
    refresh_ttl?: string | null;
  }
): Promise<string> {
  const bearer = await request.post(`${EMULATOR_URL}/auth/refresh`, {
    data: { refresh_token: adminToken }
  });
  expect(bearer.ok()).toBe(true);
  const { access_token } = await bearer.json();
  const created = await request.post(`${EMULATOR_URL}/register-tokens`, {
    data: body,
    headers: { Authorization: `Bearer ${access_token}` }
  });
  expect(created.status()).toBe(201);
  return (await created.json()).register_token as string;
}

/**
 * Move the emulator's clock forward.
 */
export async function advanceClock(
  request: APIRequestContext,
  seconds: number
): Promise<void> {
  const response = await request.post(`${EMULATOR_URL}/_emulator/clock`, {
    data: { advance_seconds: seconds }
  });
  expect(response.ok()).toBe(true);
}

/**
 * Remove every saved token through the server's REST API.
 */
export async function clearVault(
  request: APIRequestContext,
  baseURL: string
): Promise<void> {
  const list = await request.get(`${baseURL}/mlplatform-tokens/tokens`);
  expect(list.ok()).toBe(true);
  const { tokens } = (await list.json()) as { tokens: { id: string }[] };
  for (const token of tokens) {
    const removed = await request.delete(
      `${baseURL}/mlplatform-tokens/tokens/${token.id}`
    );
    expect(removed.ok()).toBe(true);
  }
}

/**
 * Save a token through the server's REST API, as the panel does after
 * who-am-i.
 */
export async function saveToken(
  request: APIRequestContext,
  baseURL: string,
  minted: IMinted,
  options: { label?: string; activate?: boolean } = {}
): Promise<string> {
  const response = await request.post(`${baseURL}/mlplatform-tokens/tokens`, {
    data: {
      value: minted.refresh_token,
      name: minted.token.name,
      role: minted.token.type,
      issuer: 'console',
      expires_at: minted.token.exp,
      label: options.label,
      activate: options.activate ?? false
    }
  });
  expect(response.ok()).toBe(true);
  return ((await response.json()) as { token: { id: string } }).token.id;
}

/**
 * A colleague redeems `registration` in another browser, through the redeem
 * dialog of their own page. Both browsers share one Jupyter server, so the
 * redeemed token (named `name`) becomes its active token for a moment; the
 * token active before is made active again afterwards.
 */
export async function redeemAsColleague(
  browser: Browser,
  request: APIRequestContext,
  baseURL: string,
  registration: string,
  name: string
): Promise<void> {
  const before = (
    await (await request.get(`${baseURL}/mlplatform-tokens/tokens`)).json()
  ).active_id as string;
  const colleague = await browser.newContext();
  try {
    const other = await colleague.newPage();
    await other.goto(`${baseURL}/lab`);
    await other.waitForFunction(() => typeof window.jupyterapp === 'object');
    await other.evaluate(async () => {
      await window.jupyterapp.started;
      void window.jupyterapp.commands.execute(
        'mlplatform-tokens:redeem-registration-token'
      );
    });
    const redeem = other.locator('.jp-Dialog');
    const paste = redeem.locator('input[name="mlp-paste"]');
    await expect(paste).toBeFocused();
    await paste.fill(registration);
    await redeem.getByRole('button', { name: 'Redeem' }).click();
    await expect(other.locator('.jp-mlpTokens-statusItem')).toContainText(name);
    expect(await other.content()).not.toContain(registration);
  } finally {
    await colleague.close();
  }
  const back = await request.post(
    `${baseURL}/mlplatform-tokens/tokens/${before}/activate`
  );
  expect(back.ok()).toBe(true);
}
