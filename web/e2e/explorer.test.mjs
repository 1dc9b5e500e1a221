// End-to-end tests of the explorer in a real browser: Debian's chromium
// driven by playwright-core, against the real tracegraph binary serving a
// generated factory. TRACEGRAPH_BIN names the binary (scripts/test-web.sh
// builds it); CHROMIUM the browser (default /usr/bin/chromium). Screenshots
// go to web/test-results/ (gitignored); with UPDATE_DOCS=1 the README's
// images in docs/img/ are written too.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { chromium } from 'playwright-core';
import readXlsxFile from 'read-excel-file/node';
import { serveFactory } from './serve.mjs';

const bin = process.env.TRACEGRAPH_BIN;
if (!bin) throw new Error('set TRACEGRAPH_BIN to a built tracegraph binary');
const web = resolve(import.meta.dirname, '..');
const out = join(web, 'test-results');
const docs = join(web, '..', 'docs', 'img');
mkdirSync(out, { recursive: true });

let stop, base, browser, page, facts;
const units = Number(process.env.E2E_UNITS ?? 300);

async function gql(query, variables = {}) {
  const res = await fetch(`${base}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, variables }) });
  const body = await res.json();
  assert.equal(body.errors, undefined, JSON.stringify(body.errors));
  return body.data;
}

async function shot(name, doc, locator) {
  const file = join(out, `${name}.png`);
  await (locator ?? page).screenshot({ path: file });
  if (doc && process.env.UPDATE_DOCS === '1') {
    mkdirSync(docs, { recursive: true });
    writeFileSync(join(docs, `${doc}.png`), readFileSync(file));
  }
}

before(async () => {
  ({ base, facts, stop } = await serveFactory(bin, units));
  browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', args: ['--no-sandbox'] });
  const ctx = await browser.newContext({ viewport: { width: 1400, height: 1000 }, acceptDownloads: true });
  page = await ctx.newPage();
  page.on('pageerror', (e) => console.error('page error:', e.message));
});

after(async () => {
  await browser?.close();
  stop?.();
});

const nodesShown = () => page.locator('.react-flow__node').count();

describe('the explorer', { concurrency: false }, () => {
  it('finds a unit by its IMEI and draws its whole genealogy', async () => {
    await page.goto(base + '/');
    await page.getByLabel('Scan or search').fill(facts.productImei);
    await page.locator('.search .results a').first().waitFor();
    await page.keyboard.press('Enter');
    await page.waitForURL(`**/node/Unit:${facts.product}`);
    await page.getByTestId('genealogy').waitFor();
    await page.locator('.react-flow__node').first().waitFor();
    const d = await gql(`query($id: ID!) { trace(from: [$id], direction: BOTH, edgeTypes: [CONTAINS, CONSUMED, DERIVED_FROM], history: true, first: 4000) { nodes { totalCount } } }`, { id: `Unit:${facts.product}` });
    const total = d.trace.nodes.totalCount;
    assert.ok(total > 50, `the product's genealogy has ${total} nodes`);
    assert.equal(await nodesShown(), total);
    assert.match(await page.getByTestId('genealogy-count').textContent(), new RegExp(`^${total} of ${total} nodes`));
    assert.equal(await page.locator(`.react-flow__node[data-id="Unit:${facts.productPcba}"]`).count(), 1, 'the PCBA is drawn');
    assert.match(await page.locator('main').textContent(), new RegExp(facts.productImei));
    await page.getByTestId('genealogy').scrollIntoViewIfNeeded();
    await shot('genealogy', 'genealogy', page.locator('.card', { has: page.getByTestId('genealogy') }));
  });

  it('replays a rework with the as-of slider: the removed part is swapped', async () => {
    await page.goto(`${base}/node/Unit:${facts.reworkedUnit}`);
    const slider = page.getByLabel('As of');
    await slider.waitFor();
    const max = Number(await slider.getAttribute('max'));
    const child = page.locator(`.react-flow__node[data-id="${facts.reworkedChild}"]`);
    const seen = [];
    for (let v = 0; v < max; v++) {
      await slider.fill(String(v));
      seen.push({ v, child: await child.count(), nodes: await nodesShown() });
    }
    const present = seen.filter((s) => s.child === 1);
    assert.ok(present.length > 0, 'the removed part is drawn before its removal');
    const last = seen[seen.length - 1];
    assert.equal(last.child, 0, 'the removed part is gone after the rework');
    const before = present[present.length - 1];
    const ids = () => page.locator('.react-flow__node').evaluateAll((ns) => ns.map((n) => n.dataset.id));
    await slider.fill(String(before.v));
    const was = new Set(await ids());
    await shot('rework-before');
    await slider.fill(String(max - 1));
    const added = (await ids()).filter((id) => !was.has(id));
    await shot('rework-after');
    // A swap: a replacement component came in as the removed one went.
    assert.ok(added.some((id) => id.startsWith('Component:')), `added after the rework: ${added}`);
    await slider.fill(String(max)); // now, with history: the removed part is drawn, its link faded
    assert.equal(await child.count(), 1);
  });

  it('opens a wafer batch and runs its recall, counts as the API answers', async () => {
    await page.goto(base + '/');
    await page.getByLabel('Scan or search').fill(facts.waferBatch);
    await page.locator('.search .results a').first().click();
    await page.waitForURL(`**/node/WaferBatch:${facts.waferBatch}`);
    await page.getByTestId('genealogy-count').waitFor();
    // Re-laying out and drawing the whole genealogy (the as-of slider) takes under a second.
    const slider = page.getByLabel('As of');
    const max = Number(await slider.getAttribute('max'));
    const t0 = Date.now();
    await slider.fill(String(max - 1));
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    const ms = Date.now() - t0;
    console.log(`wafer batch genealogy: ${await page.getByTestId('genealogy-count').textContent()}, redrawn in ${ms} ms`);
    assert.ok(ms < 1000, `redrawn in ${ms} ms`);
    await slider.fill(String(max));
    await shot('wafer-batch');
    await page.getByText('Recall report from this WaferBatch').click();
    await page.getByTestId('confirmed').waitFor();
    const d = await gql(`query($s: [ID!]!) { recallImpact(suspects: $s) { confirmedCounts { total shipped inHouse } possibleCounts { total shipped inHouse } } }`, { s: [`WaferBatch:${facts.waferBatch}`] });
    const r = d.recallImpact;
    const n = async (id) => Number((await page.getByTestId(id).locator('.n').textContent()).replace(/[^0-9]/g, ''));
    assert.equal(await n('confirmed'), r.confirmedCounts.total);
    assert.equal(await n('possible'), r.possibleCounts.total);
    assert.equal(await n('affected'), r.confirmedCounts.total + r.possibleCounts.total);
    assert.equal(await n('in-house'), r.confirmedCounts.inHouse + r.possibleCounts.inHouse);
    assert.equal(await n('shipped'), r.confirmedCounts.shipped + r.possibleCounts.shipped);
    assert.equal(r.confirmedCounts.total + r.possibleCounts.total, facts.waferBatchUnits + facts.waferBatchProducts);
    await page.getByTestId('units-confirmed').locator('tbody tr').first().waitFor();
    assert.match(await page.getByTestId('units-confirmed').locator('tbody tr td.evidence').first().textContent(), new RegExp(`^WaferBatch:${facts.waferBatch} → MaterialLot:`));
    await shot('recall', 'recall');
  });

  it('exports the recall as XLSX with the numbers a customer knows, and as CSV', async () => {
    const [xlsx] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-xlsx').click()]);
    const file = join(out, 'recall.xlsx');
    await xlsx.saveAs(file);
    const rows = await readXlsxFile(file);
    const header = rows[0];
    for (const col of ['Serial', 'IMEI', 'Customer serial', 'Box', 'Pallet', 'Shipment', 'Customer']) assert.ok(header.includes(col), `column ${col}`);
    assert.equal(rows.length - 1, facts.waferBatchUnits + facts.waferBatchProducts);
    const product = rows.find((r) => r[header.indexOf('Serial')] === facts.product);
    assert.ok(product, 'the product is a row');
    assert.equal(product[header.indexOf('IMEI')], facts.productImei);
    assert.equal(product[header.indexOf('Box')], facts.productBox);
    const pcba = rows.find((r) => r[header.indexOf('Serial')] === facts.productPcba);
    assert.equal(pcba[header.indexOf('Product')], facts.product, 'a board row names its product');

    const [csv] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-csv').click()]);
    const text = readFileSync(await csv.path(), 'utf8').trim().split('\n');
    assert.match(text[0], /^unit,serial,partNumber/);
    assert.equal(text.length - 1, facts.waferBatchUnits + facts.waferBatchProducts);
  });

  it('contains the recall in one click: a held unit cannot ship; release lifts it', async () => {
    await page.getByTestId('contain').click();
    await page.getByTestId('confirm-contain').click();
    await page.getByTestId('contained').waitFor();
    assert.match(await page.getByTestId('contained').textContent(), /Contained as/);
    await shot('contained');
    // Pack the held product's box on a pallet and try to ship it.
    const post = (evs) => fetch(`${base}/api/v1/events`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(evs) }).then((r) => r.json());
    const at = new Date().toISOString();
    const pack = await post([{ id: 'e2e-pack', type: 'packed', time: at, station: 'PACK', data: { container: 'Pallet:E2E-PAL', containerType: 'pallet', items: [`Box:${facts.productBox}`] } }]);
    assert.equal(pack.outcomes[0].status, 'accepted', JSON.stringify(pack));
    const ship = await post([{ id: 'e2e-ship', type: 'shipped', time: at, station: 'DOCK', data: { shipment: 'E2E-SHP', customer: 'E2E-CUST', items: ['Pallet:E2E-PAL'], destination: 'Nowhere' } }]);
    assert.equal(ship.outcomes[0].status, 'rejected', JSON.stringify(ship));
    assert.equal(ship.outcomes[0].error.code, 'ON_HOLD');
    // The held pallet's page: the hold marked, its contents per part number.
    const recall = page.url();
    await page.goto(`${base}/node/Pallet:E2E-PAL`);
    await page.getByTestId('part-counts').waitFor();
    assert.match(await page.getByTestId('part-counts').textContent(), /\d/);
    await page.locator('.react-flow__node').first().waitFor();
    // Each hold once, with the items inside that carry it: the recall's hold
    // on the wafer batch reaches every product in the box.
    const holdRows = await page.getByTestId('holds').locator('tbody tr').allTextContents();
    assert.equal(new Set(holdRows).size, holdRows.length, `a hold listed twice: ${holdRows.join(' | ')}`);
    const onWafer = holdRows.filter((r) => r.includes('WaferBatch:'));
    assert.equal(onWafer.length, 1, holdRows.join(' | '));
    assert.match(onWafer[0], /Unit:.*Unit:/);
    await shot('pallet');
    // Release: contain again (idempotent: the same containment) to get its id back on the page.
    await page.goto(recall);
    await page.getByTestId('contain').click();
    await page.getByTestId('confirm-contain').click();
    await page.getByTestId('release').click();
    await page.getByText(/Released \d+ holds/).waitFor();
    const again = await post([{ id: 'e2e-ship-2', type: 'shipped', time: new Date().toISOString(), station: 'DOCK', data: { shipment: 'E2E-SHP', customer: 'E2E-CUST', items: ['Pallet:E2E-PAL'], destination: 'Nowhere' } }]);
    assert.equal(again.outcomes[0].status, 'accepted', JSON.stringify(again));
  });

  it('answers where a part number was used, as the API does', async () => {
    await page.goto(base + '/where-used');
    await page.getByLabel('Our part number').fill(facts.waferBatchPartNumber);
    await page.getByRole('button', { name: 'Find where used' }).click();
    await page.getByTestId('wu-confirmed').waitFor();
    const d = await gql(`query($pn: String!) { whereUsed(material: { partNumber: $pn }) { confirmedCounts { total } possibleCounts { total } productUnits } }`, { pn: facts.waferBatchPartNumber });
    const n = async (id) => Number((await page.getByTestId(id).locator('.n').textContent()).replace(/[^0-9]/g, ''));
    assert.equal(await n('wu-confirmed'), d.whereUsed.confirmedCounts.total);
    assert.equal(await n('wu-possible'), d.whereUsed.possibleCounts.total);
    assert.equal(await n('wu-products'), d.whereUsed.productUnits);
    assert.ok(d.whereUsed.confirmedCounts.total + d.whereUsed.possibleCounts.total > 0);
    await shot('where-used');
  });

  it('serves GraphiQL itself, offline, with examples', async () => {
    await page.goto(base + '/graphiql');
    await page.locator('.graphiql-container').waitFor();
    assert.ok((await page.getByTestId('examples').locator('button').count()) > 0);
    await shot('graphiql');
  });
});
