import { chromium, type Browser, type Page } from 'playwright-core';
import { AppProcess, baseUrl, waitUntil } from './support/apps.js';
import { post } from './support/http.js';
import { runPool } from './support/load.js';

// Debian's chromium (docker/local/infra.sh up tools installs it); playwright-core downloads nothing.
const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

const textOf = async (page: Page, selector: string): Promise<string> => (await page.locator(selector).first().textContent()) ?? '';
const numberIn = async (page: Page, selector: string): Promise<number> => Number(await textOf(page, selector));
const samplesInChart = async (page: Page): Promise<number> => Number(await page.locator('#chart svg').getAttribute('data-samples'));

describe('The status page, in a real browser, while deposits run', () => {
  // No query-api: the page must say so instead of failing.
  const commandApi = new AppProcess('command-api');
  const projector = new AppProcess('projector');
  let browser: Browser;
  const violations: string[] = [];
  beforeAll(async () => {
    await commandApi.start();
    await projector.start();
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await projector.stop();
    await commandApi.stop();
  }, 60_000);

  it('shows live figures that move with the load, under a policy that allows only what the page needs', async () => {
    const served = await fetch(`${baseUrl('projector')}/status`);
    expect(served.status).toBe(200);
    expect(served.headers.get('content-security-policy')).toMatch(/^default-src 'none'; script-src 'sha256-[^']+'; style-src 'sha256-[^']+'; connect-src 'self'/);
    expect((await fetch(`${baseUrl('projector')}/status.json`)).status).toBe(200); // no token, like /metrics

    const page = await browser.newPage();
    page.on('console', (message) => {
      if (message.type() === 'error') violations.push(message.text());
    });
    page.on('pageerror', (error) => violations.push(error.message));
    await page.goto(`${baseUrl('projector')}/status`);
    await page.locator('#projections table').waitFor({ timeout: 15_000 });
    expect(await textOf(page, '#breakers')).toContain('query-api does not answer');
    expect(await textOf(page, '#relay')).toMatch(/unpublished events \d+/);
    const appliedBefore = await numberIn(page, '#applied');
    const samplesBefore = await samplesInChart(page);

    const opened = await post<{ accountId: string }>('command-api', '/accounts', { ownerName: 'Status Watcher', currency: 'EUR' });
    expect(opened.status).toBe(201);
    // Deposits go on until the page has been read during them; then they stop.
    let depositing = true;
    let deposited = 0;
    const deposit = async (): Promise<void> => {
      const reply = await post('command-api', `/accounts/${opened.body.accountId}/deposits`, { amount: 100, currency: 'EUR' });
      if (reply.status !== 201) throw new Error(`deposit answered ${reply.status}`);
      deposited++;
    };
    const load = runPool(Array.from({ length: 8 }, () => async () => {
      while (depositing) await deposit();
    }), 8);
    load.catch(() => undefined); // its failure surfaces where it is awaited
    try {
      // The page polls /status.json every 2 s; the projector samples every 2 s.
      await waitUntil(async () => (await numberIn(page, '#applied')) > appliedBefore, 30_000, 'the page to show the first deposits applied');
      const first = { applied: await numberIn(page, '#applied'), updated: await textOf(page, '#updated'), deposited };
      // Two readings several seconds apart, both while deposits run: the figures must have moved.
      await new Promise((done) => setTimeout(done, 6_000));
      const second = { applied: await numberIn(page, '#applied'), updated: await textOf(page, '#updated'), deposited };
      expect(second.deposited).toBeGreaterThan(first.deposited);
      expect(second.applied).toBeGreaterThan(first.applied);
      expect(second.updated).not.toBe(first.updated);
    } finally {
      depositing = false;
      await load;
    }
    expect(deposited).toBeGreaterThan(0);

    await waitUntil(async () => (await numberIn(page, '#applied')) >= appliedBefore + deposited, 30_000, 'the page to show the deposits applied');
    await waitUntil(async () => (await samplesInChart(page)) > samplesBefore + 1, 10_000, 'new lag samples in the chart');
    const projections = await textOf(page, '#projections');
    expect(projections).toContain('account-statement');
    expect(await page.locator('#chart polyline[data-series="account-statement (events)"]').count()).toBe(1);
    expect(violations).toEqual([]);
  }, 120_000);

  it('draws only known figures: a projection missing from the first samples, or a null, leaves a gap', async () => {
    const page = await browser.newPage();
    await page.goto(`${baseUrl('projector')}/status`);
    // The page's own chart, given the history a projector has right after it starts: its first
    // sample is taken before the consumers report any lag, and the relay's figure is unknown once.
    const history = [
      { at: 1, lagEvents: {}, lagSeconds: {}, relayUnpublished: null, applied: 0 },
      { at: 2, lagEvents: { 'account-statement': 4 }, lagSeconds: {}, relayUnpublished: 2, applied: 1 },
      { at: 3, lagEvents: { 'account-statement': null }, lagSeconds: {}, relayUnpublished: 0, applied: 2 },
    ];
    const points = await page.evaluate(`(() => {
      const svg = chart(${JSON.stringify(history)}, 2000);
      return [...svg.querySelectorAll('polyline')].map((p) => [p.getAttribute('data-series'), p.getAttribute('points')]);
    })()`);
    expect(points).toEqual([
      ['account-statement (events)', '320.0,30.0'],
      ['relay unpublished', '320.0,90.0 610.0,150.0'],
    ]);
    await page.close();
  }, 60_000);
});
