// The public product page (the GS1 Digital Link resolver) in a real
// browser: Debian's chromium driven by playwright-core, against the real
// tracegraph binary serving a generated factory, at a phone's size. The page
// shows the unit's public facts; after a containment's recall is published,
// it shows the notice. TRACEGRAPH_BIN names the binary (scripts/test-web.sh
// builds it); CHROMIUM the browser (default /usr/bin/chromium).
// Screenshots go to web/test-results/ (public-page.png,
// public-page-recall.png); with UPDATE_DOCS=1 the second is also
// docs/img/public-page.png.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { chromium } from 'playwright-core';
import { serveFactory } from './serve.mjs';

const bin = process.env.TRACEGRAPH_BIN;
if (!bin) throw new Error('set TRACEGRAPH_BIN to a built tracegraph binary');
const web = resolve(import.meta.dirname, '..');
const out = join(web, 'test-results');
const docs = join(web, '..', 'docs', 'img');
mkdirSync(out, { recursive: true });

let stop, base, browser, page, facts;

async function shot(name, doc) {
  const file = join(out, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  if (doc && process.env.UPDATE_DOCS === '1') {
    mkdirSync(docs, { recursive: true });
    writeFileSync(join(docs, `${doc}.png`), readFileSync(file));
  }
}

async function post(path, body) {
  const res = await fetch(base + path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const text = await res.text();
  assert.equal(res.status, 200, `POST ${path}: ${res.status} ${text}`);
  return JSON.parse(text);
}

before(async () => {
  ({ base, facts, stop } = await serveFactory(bin, 300, ['--public-url', '{base}']));
  browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', args: ['--no-sandbox'] });
  // A phone: the page is made for the customer who scans the product.
  const ctx = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
  page = await ctx.newPage();
  page.on('pageerror', (e) => console.error('page error:', e.message));
});

after(async () => {
  await browser?.close();
  stop?.();
});

describe('the public product page', { concurrency: false }, () => {
  it('shows a unit of the demo factory to whoever scans it', async () => {
    assert.ok(facts.productGtin, 'the factory names its product GTIN');
    const res = await page.goto(`${base}/01/${facts.productGtin}/21/${facts.product}`);
    assert.equal(res.status(), 200);
    const text = await page.locator('main').textContent();
    assert.match(text, new RegExp(facts.product));
    assert.match(text, /Firmware/);
    assert.match(text, /None published for this unit/);
    assert.equal(await page.locator('.recall').count(), 0);
    assert.ok((await page.locator('h1').textContent()).length > 0);
    // Nothing internal: no IMEI, no MAC, no PCBA serial, no box or customer.
    for (const secret of [facts.productImei, facts.productMac, facts.productPcba, facts.productBox, facts.shipmentCustomer]) {
      if (secret) assert.ok(!text.includes(secret), `the page shows ${secret}`);
    }
    // Mobile first: nothing wider than the screen.
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(width <= 390, `the page is ${width} px wide on a 390 px screen`);
    await shot('public-page');
  });

  it('shows the recall notice once the recall is published', async () => {
    const suspect = `Unit:${facts.productPcba}`;
    const c = await post('/api/v1/containments', { suspects: [suspect], reason: 'e2e: a cracked capacitor on the main board', containment: 'C-e2e' });
    await page.reload();
    assert.equal(await page.locator('.recall').count(), 0, 'a containment alone is not public');
    await post(`/api/v1/containments/${c.containment}/publish`, {
      title: 'Main board inspection',
      text: 'Some units may shut down unexpectedly. Stop using the device and contact support: we repair it free of charge.',
      suspects: [suspect],
    });
    await page.reload();
    const notice = page.locator('.recall');
    await notice.waitFor();
    assert.match(await notice.textContent(), /Recall notice: Main board inspection/);
    assert.match(await notice.textContent(), /repair it free of charge/);
    await shot('public-page-recall', 'public-page');
  });

  it('shows the notice on the page of the unit\'s lot, which concerns some or all of its units', async () => {
    const res = await fetch(base + '/graphql', { method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: `{ node(id: "Unit:${facts.product}") { ... on Unit { workOrder } } }` }) });
    const lot = (await res.json()).data.node.workOrder;
    assert.ok(lot, 'the product has a work order');
    assert.equal((await page.goto(`${base}/01/${facts.productGtin}/10/${lot}`)).status(), 200);
    const text = await page.locator('main').textContent();
    assert.match(text, new RegExp(`Batch\\s*${lot}`));
    assert.match(await page.locator('.recall').textContent(), /some or all units of batch/);
    assert.equal((await page.goto(`${base}/01/${facts.productGtin}/10/NO-SUCH-LOT`)).status(), 404);
    await page.goto(`${base}/01/${facts.productGtin}/10/${lot}`);
    await shot('public-lot-page');
  });
});
