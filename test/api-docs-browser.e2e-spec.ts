import { chromium, type Browser } from 'playwright-core';
import { AppProcess, baseUrl } from './support/apps.js';
import { accessToken } from './support/tokens.js';

// Debian's chromium (docker/local/infra.sh up tools installs it); playwright-core downloads nothing.
const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

describe('Swagger UI at /docs, in a real browser', () => {
  const commandApi = new AppProcess('command-api');
  let browser: Browser;
  beforeAll(async () => {
    await commandApi.start();
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await commandApi.stop();
  }, 60_000);

  it('is served to anyone, under a content policy of its own that the API routes do not share', async () => {
    const page = await fetch(`${baseUrl('command-api')}/docs`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toMatch(/^default-src 'none';script-src 'self';/);
    const description = await fetch(`${baseUrl('command-api')}/docs-json`);
    expect(description.status).toBe(200);
    expect(description.headers.get('content-security-policy')).toBe("default-src 'none';frame-ancestors 'none'");
    expect((await fetch(`${baseUrl('command-api')}/accounts`, { method: 'POST' })).headers.get('content-security-policy')).toBe("default-src 'none';frame-ancestors 'none'");
  });

  it('authorises with a token from the identity provider and opens an account with "Try it out"', async () => {
    const page = await browser.newPage();
    const problems: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(message.text()); // a content-policy refusal shows here
    });
    page.on('pageerror', (error) => problems.push(error.message));
    await page.goto(`${baseUrl('command-api')}/docs`);

    await page.locator('.auth-wrapper button.authorize').click();
    const dialog = page.locator('.dialog-ux');
    await dialog.locator('input').first().fill(await accessToken('alice'));
    await dialog.locator('button.modal-btn.authorize').click();
    await dialog.locator('button.btn-done').click();

    const openAccount = page.locator('.opblock-post').filter({ has: page.locator('.opblock-summary-path', { hasText: /^\/accounts$/ }) });
    await openAccount.locator('.opblock-summary').click();
    await openAccount.getByRole('button', { name: 'Try it out' }).click();
    await openAccount.getByRole('button', { name: 'Execute' }).click();
    const answer = openAccount.locator('.live-responses-table .response').first();
    await answer.waitFor({ timeout: 20_000 });
    expect((await answer.locator('.response-col_status').textContent())?.trim()).toBe('201');
    expect(await answer.locator('.response-col_description').textContent()).toMatch(/"accountId": "[0-9a-f-]{36}"/);
    expect(problems).toEqual([]);
  }, 60_000);
});
