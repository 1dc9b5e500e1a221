import { describe, expect, it } from 'vitest';
import { groupHolds } from './holds';

describe('groupHolds', () => {
  const wafer = { id: 'C-1', source: 'WaferBatch:W1', reason: 'supplier notice', since: '2026-11-30T18:58:11Z' };
  it('lists a hold that reaches several items of a pallet once, with the items that carry it', () => {
    const rows = groupHolds(
      [
        { ...wafer, node: 'Unit:S1' },
        { id: 'C-1/Unit:S1', source: 'Unit:S1', node: 'Unit:S1', reason: 'supplier notice', since: wafer.since },
        { ...wafer, node: 'Unit:S2' },
        { ...wafer, node: 'Unit:S2' },
      ],
      'Pallet:P1',
    );
    expect(rows.map((r) => [r.id, r.source, r.carriers])).toEqual([
      ['C-1', 'WaferBatch:W1', ['Unit:S1', 'Unit:S2']],
      ['C-1/Unit:S1', 'Unit:S1', ['Unit:S1']],
    ]);
  });
  it('names no carrier for the holds of the node itself', () => {
    expect(groupHolds([{ ...wafer, node: 'Unit:S1' }], 'Unit:S1')[0].carriers).toEqual([]);
    expect(groupHolds([wafer], 'Unit:S1')[0].carriers).toEqual([]);
  });
  it('keeps two holds placed on one node apart', () => {
    expect(groupHolds([{ ...wafer, node: 'Box:B' }, { ...wafer, id: 'H-2', node: 'Box:B' }], 'Pallet:P').length).toBe(2);
  });
});
