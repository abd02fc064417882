/// <reference lib="dom" />
/**
 * The operator console in Debian's Chromium (playwright-core), against a local stack filled by the
 * simulator's traffic generator (over a thousand sessions through the real pipeline), the seed
 * story (customer-0001: C1 → C2 → C3 survey and two returns), a return that fails on purpose
 * (Connect answers 500 to every association) and a customer whose id is markup.
 */
import type { Browser, Page } from 'playwright-core';
import { chromium } from 'playwright-core';
import { CUSTOMER_RETURNED_DETAIL_TYPE, DEFAULT_RETURN_EVENT_SOURCE } from '../../core/constants';
import { runDemo } from '../../cli/demo';
import type { DemoResult } from '../../cli/demo';
import { startTestStack } from '../integration/local-stack-harness';
import { fillWithTraffic } from './fill-stack';

const HOSTILE = '<img src=x onerror="window.__pwned=1">"\'&';
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

describe('operator console in Chromium', () => {
  let stack: Awaited<ReturnType<typeof startTestStack>>;
  let demo: DemoResult;
  let failedContact: string;
  let sessions: number;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    stack = await startTestStack();
    sessions = (await fillWithTraffic(stack, { events: 300, returnProbability: 0.15, seed: 7 })).sessions;
    demo = await runDemo(stack);
    stack.simulator.setFaults({ error5xxRate: 1, error5xxApis: ['CreatePersistentContactAssociation'] });
    failedContact = (await stack.simulator.startChat({ instanceId: demo.instanceId, customerId: 'customer-0001', displayName: 'Customer' })).contactId;
    await stack.bus.putEvents([
      { Source: DEFAULT_RETURN_EVENT_SOURCE, DetailType: CUSTOMER_RETURNED_DETAIL_TYPE, Detail: JSON.stringify({ instanceId: demo.instanceId, contactId: failedContact, customerId: 'customer-0001', previousContactId: demo.contacts.C2, rehydration: 'from-segment' }) },
    ]);
    await stack.simulator.startChat({ instanceId: demo.instanceId, customerId: HOSTILE, displayName: HOSTILE });
    await stack.waitForIdle();
    stack.simulator.setFaults({ error5xxRate: 0 });
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
    page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
  }, 150_000);
  afterAll(async () => {
    await browser?.close();
    await stack?.dispose();
  });

  const open = async (hash: string, view: string): Promise<void> => {
    await page.goto(`${stack.url}/${hash}`);
    await page.waitForSelector(`main[data-view="${view}"]`);
  };
  const noHorizontalScroll = () => page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);

  it('lists every resumption with the true total, filters by status with a URL per view, and the back button returns', async () => {
    expect(sessions).toBeGreaterThanOrEqual(300);
    const total = (await stack.store.pageResumptions({ limit: 1 })).total;
    expect(total).toBeGreaterThan(100);
    await open('#/', 'resumptions');
    expect(await page.textContent('#total')).toBe(`Showing 1–25 of ${total}`);
    await page.click('text=Next page');
    await page.waitForFunction(() => document.querySelector('#total')?.textContent?.startsWith('Showing 26–50'));
    const failed = (await stack.store.pageResumptions({ statuses: ['FAILED'], limit: 1 })).total;
    await page.selectOption('#f-status', 'FAILED');
    await page.click('#filters button');
    await page.waitForFunction((n) => document.querySelector('#total')?.textContent?.endsWith(` of ${n}`), failed);
    expect(page.url()).toContain('status=FAILED');
    await page.goBack();
    await page.waitForFunction(() => document.querySelector('#total')?.textContent?.startsWith('Showing 26–50'));
  });

  it('finds a customer by a contact id (keyboard only) and shows every session with the continuation edges', async () => {
    await open('#/', 'resumptions');
    await page.focus('#q');
    await page.keyboard.type(demo.contacts.C3);
    await page.keyboard.press('Enter');
    await page.waitForSelector('main[data-view="search"]');
    await page.click('text=customer customer-0001');
    await page.waitForSelector('main[data-view="customer"]');
    expect(await page.textContent('#session-count')).toBe('4 sessions');
    expect(await page.locator(`.session[data-session="${demo.contacts.C1}"] .seg`).allTextContents()).toEqual([
      expect.stringMatching(new RegExp(`^initial ${demo.contacts.C1} · a1`)),
      expect.stringMatching(new RegExp(`^transfer ${demo.contacts.C2} · a2`)),
      expect.stringMatching(new RegExp(`^survey ${demo.contacts.C3}`)),
    ]);
    expect(await page.locator('.edge[data-state="associated"]').count()).toBe(2);
    // The return that fails on purpose: the ledger still says PLANNED, its execution FAILED.
    expect(await page.locator('.edge[data-state="failed"]').count()).toBe(1);
    expect(await page.textContent(`.session[data-session="${failedContact}"] .return .badge`)).toBe('FAILED');
  });

  it('opens a return and sees which past segments it shows and which it hides (the survey)', async () => {
    const fromSegment = demo.useCases.find((u) => u.continuedFromContactId === demo.contacts.C2) ?? demo.useCases[0];
    await open(`#/resumption?instance=${encodeURIComponent(demo.instanceId)}&contact=${encodeURIComponent(fromSegment!.contactId)}`, 'resumption');
    expect(await page.textContent('.visibility .shown-list')).toBe(`${demo.contacts.C1}, ${demo.contacts.C2}`);
    expect(await page.textContent('.visibility .hidden-list')).toBe(demo.contacts.C3);
  });

  it('reads a failed resumption in plain words, redrives it behind a confirmation, and it ends ASSOCIATED with the same ClientToken and one association', async () => {
    await open('#/failures', 'failures');
    expect(await page.locator('.group').count()).toBeGreaterThan(0);
    await page.click(`a:text-is("${failedContact}")`);
    await page.waitForSelector('main[data-view="resumption"]');
    expect(await page.textContent('.reason')).toMatch(/\S/);
    const token = await page.textContent('dt:text-is("ClientToken") + dd');
    expect(token).toMatch(/^chatline-[0-9a-f]{32}$/);
    await page.click('#redrive-one');
    expect(await page.textContent('#confirm-title')).toBe('Redrive 1 resumption?');
    await page.click('#confirm-redrive');
    await page.waitForFunction(() => /1 redriven/.test(document.querySelector('dialog p[aria-live]')?.textContent ?? ''));
    await stack.waitForIdle();
    await page.click('dialog button[value="close"]');
    await page.waitForFunction(() => document.querySelector('main .badge')?.textContent === 'ASSOCIATED');
    expect(await page.textContent('dt:text-is("ClientToken") + dd')).toBe(token);
    expect(await page.locator('td:text-is("succeeded")').count()).toBe(1);
    expect(stack.simulator.stats().associationsByContact[failedContact]).toBe(1);
  });

  it('draws the metrics chart (uPlot canvas) and the Connect call budget', async () => {
    await open('#/metrics', 'metrics');
    await page.waitForSelector('#chart canvas');
    expect(await page.locator('#chart .u-legend').count()).toBe(1);
    expect(await page.textContent('#budget h2')).toMatch(/^Connect call budget \(on; \d+ returns waiting/);
  });

  it('escapes a customer id that is markup: it shows as text and runs nothing', async () => {
    await open(`#/customer?id=${encodeURIComponent(HOSTILE)}`, 'customer');
    expect(await page.textContent('main h1')).toBe(`Customer ${HOSTILE}`);
    expect(await page.locator('main img').count()).toBe(0);
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
  });

  it('fits 400 px: no horizontal scroll on any view', async () => {
    await page.setViewportSize({ width: 400, height: 800 });
    for (const [hash, view] of [
      ['#/', 'resumptions'],
      ['#/customer?id=customer-0001', 'customer'],
      [`#/resumption?instance=${encodeURIComponent(demo.instanceId)}&contact=${encodeURIComponent(failedContact)}`, 'resumption'],
      ['#/failures', 'failures'],
      ['#/metrics', 'metrics'],
    ] as const) {
      await open(hash, view);
      expect([view, await noHorizontalScroll()]).toEqual([view, true]);
    }
  });

  it('updates the list live (server-sent events) when a new return is associated, without a reload', async () => {
    await page.setViewportSize({ width: 1200, height: 900 });
    await open('#/?status=ASSOCIATED', 'resumptions');
    const before = (await stack.store.pageResumptions({ statuses: ['ASSOCIATED'], limit: 1 })).total;
    expect(await page.textContent('#total')).toMatch(new RegExp(` of ${before}$`));
    await page.evaluate(() => ((window as unknown as { __sameDocument: boolean }).__sameDocument = true));
    const { contactId } = await stack.simulator.startChat({ instanceId: demo.instanceId, customerId: 'customer-0001', displayName: 'Customer' });
    await stack.bus.putEvents([
      { Source: DEFAULT_RETURN_EVENT_SOURCE, DetailType: CUSTOMER_RETURNED_DETAIL_TYPE, Detail: JSON.stringify({ instanceId: demo.instanceId, contactId, customerId: 'customer-0001', previousContactId: demo.contacts.C2, rehydration: 'from-segment' }) },
    ]);
    await stack.waitForIdle();
    await page.waitForFunction((n) => document.querySelector('#total')?.textContent?.endsWith(` of ${n}`), before + 1, { timeout: 10_000 });
    expect(await page.evaluate(() => (window as unknown as { __sameDocument?: boolean }).__sameDocument)).toBe(true);
  });
});
