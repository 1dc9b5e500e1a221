import { describe, expect, it } from 'vitest';
import { bars, countByPartNumber, evidenceText, sheetRow, SHEET_COLUMNS, tally, whereabouts, type WhereUnit } from './tally';

describe('tally', () => {
  it.each([
    ['mixed', { total: 10, shipped: 4, inHouse: 5, scrapped: 1 }, { total: 6, shipped: 2, inHouse: 4, scrapped: 0 }, { affected: 16, confirmed: 10, possible: 6, shipped: 6, inHouse: 9, scrapped: 1, shippedPercent: 37.5 }],
    ['nothing', { total: 0, shipped: 0, inHouse: 0, scrapped: 0 }, { total: 0, shipped: 0, inHouse: 0, scrapped: 0 }, { affected: 0, confirmed: 0, possible: 0, shipped: 0, inHouse: 0, scrapped: 0, shippedPercent: 0 }],
  ])('%s', (_, c, p, want) => {
    expect(tally(c, p)).toEqual(want);
  });
});

describe('bars', () => {
  it('sorts by size, then ID, and scales to the largest', () => {
    const b = bars([
      { node: { id: 'Customer:B' }, confirmed: 1, possible: 1 },
      { node: { id: 'Customer:A' }, confirmed: 2, possible: 0 },
      { node: { id: 'Customer:C' }, confirmed: 3, possible: 1 },
    ]);
    expect(b.map((x) => x.id)).toEqual(['Customer:C', 'Customer:A', 'Customer:B']);
    expect(b[0]).toMatchObject({ confirmedPct: 75, possiblePct: 25 });
    expect(b[2]).toMatchObject({ confirmedPct: 25, possiblePct: 25 });
  });
});

describe('countByPartNumber', () => {
  it('counts, most first', () => {
    expect(countByPartNumber([{ partNumber: 'B' }, { partNumber: 'A' }, { partNumber: 'B' }, {}])).toEqual([
      { partNumber: 'B', count: 2 }, { partNumber: '(no part number)', count: 1 }, { partNumber: 'A', count: 1 },
    ]);
  });
});

describe('whereabouts', () => {
  const product: WhereUnit = {
    id: 'Unit:SGW1', serial: 'SGW1', partNumber: '900', shipment: 'SHP1', customer: 'ACME',
    identifiers: [{ scheme: 'IMEI', value: '3592' }, { scheme: 'CUSTOMER_SERIAL', value: 'C-9' }],
    container: { node: { id: 'Box:BOX1', container: { node: { id: 'Pallet:PAL1', container: { node: { id: 'Shipment:SHP1' } } } } } },
  };
  const board: WhereUnit = { id: 'Unit:BGW1', serial: 'BGW1', partNumber: '700', identifiers: [{ scheme: 'MAC', value: '0A:1F' }], parent: { node: product } };

  it('of a product: its own numbers and containers', () => {
    expect(whereabouts(product)).toEqual({ product: 'SGW1', imei: '3592', customerSerial: 'C-9', mac: '', box: 'BOX1', pallet: 'PAL1', shipment: 'SHP1', customer: 'ACME' });
  });
  it('of a board: its own MAC, its product and where that product is', () => {
    expect(whereabouts(board)).toEqual({ product: 'SGW1', imei: '3592', customerSerial: 'C-9', mac: '0A:1F', box: 'BOX1', pallet: 'PAL1', shipment: 'SHP1', customer: 'ACME' });
  });
  it('makes a spreadsheet row in column order', () => {
    const row = sheetRow({ precision: 'EXACT', depth: 3, status: 'SHIPPED', onHold: false, node: board }, true);
    expect(row).toHaveLength(SHEET_COLUMNS.length);
    expect(row[SHEET_COLUMNS.indexOf('IMEI')]).toBe('3592');
    expect(row[SHEET_COLUMNS.indexOf('Affected')]).toBe('confirmed');
  });
});

describe('evidenceText', () => {
  it('reads suspect first', () => {
    expect(evidenceText([
      { type: 'DERIVED_FROM', source: { id: 'MaterialLot:L' }, target: { id: 'WaferBatch:W' }, precision: 'EXACT' },
      { type: 'CONSUMED', source: { id: 'Unit:U' }, target: { id: 'MaterialLot:L' }, precision: 'CANDIDATE' },
    ])).toBe('WaferBatch:W → MaterialLot:L (DERIVED_FROM EXACT) → Unit:U (CONSUMED CANDIDATE)');
  });
});
