import { describe, expect, it } from 'vitest';
import { changeTimes, fromTrace, liveAt, linkStyle, structureAt, toGNode, type GEdge, type GNode } from './model';

const n = (id: string): GNode => ({ id, typename: id.split(':')[0], title: id, detail: '', onHold: false });
const e = (source: string, target: string, validFrom: string, validTo: string | null = null, type = 'CONTAINS'): GEdge => ({
  type, source, target, precision: 'EXACT', validFrom, validTo,
});

describe('linkStyle', () => {
  it.each([
    ['EXACT', false, undefined, 1],
    ['CANDIDATE', false, '6 4', 1],
    ['ORDER', false, '1 4', 1],
    ['EXACT', true, undefined, 0.25],
    ['CANDIDATE', true, '6 4', 0.25],
  ] as const)('%s closed=%s: dash %s, opacity %s', (p, closed, dash, opacity) => {
    const s = linkStyle(p, closed);
    expect(s.strokeDasharray).toBe(dash);
    expect(s.opacity).toBe(opacity);
  });
});

describe('structureAt', () => {
  // A board with a chip swapped in rework at 10:00, packed in a box at 12:00.
  const nodes = ['Box:B', 'Unit:P', 'Component:OLD', 'Component:NEW', 'MaterialLot:L', 'WaferBatch:W'].map(n);
  const edges = [
    e('Unit:P', 'Component:OLD', '2026-01-01T08:00:00Z', '2026-01-01T10:00:00Z'),
    e('Unit:P', 'Component:NEW', '2026-01-01T10:00:00Z'),
    e('Component:NEW', 'WaferBatch:W', '2025-12-01T00:00:00Z', null, 'DERIVED_FROM'),
    e('Unit:P', 'MaterialLot:L', '2026-01-01T08:00:00Z', null, 'CONSUMED'),
    e('Box:B', 'Unit:P', '2026-01-01T12:00:00Z'),
  ];
  const ids = (t?: string) => structureAt('Unit:P', nodes, edges, t).nodes.map((x) => x.id).sort();

  it.each([
    ['before the rework', '2026-01-01T09:00:00Z', ['Component:OLD', 'MaterialLot:L', 'Unit:P']],
    ['at the rework (validTo is exclusive)', '2026-01-01T10:00:00Z', ['Component:NEW', 'MaterialLot:L', 'Unit:P', 'WaferBatch:W']],
    ['after packing', '2026-01-01T13:00:00Z', ['Box:B', 'Component:NEW', 'MaterialLot:L', 'Unit:P', 'WaferBatch:W']],
    ['with history', undefined, ['Box:B', 'Component:NEW', 'Component:OLD', 'MaterialLot:L', 'Unit:P', 'WaferBatch:W']],
  ])('%s', (_, t, want) => {
    expect(ids(t)).toEqual(want);
  });

  it('does not turn around: a sibling in the same box is not reached', () => {
    const more = [...nodes, n('Unit:SIBLING')];
    const es = [...edges, e('Box:B', 'Unit:SIBLING', '2026-01-01T12:00:00Z')];
    expect(structureAt('Unit:P', more, es).nodes.map((x) => x.id)).not.toContain('Unit:SIBLING');
  });

  it('lists the change times in order, once each', () => {
    expect(changeTimes(edges)).toEqual(['2025-12-01T00:00:00Z', '2026-01-01T08:00:00Z', '2026-01-01T10:00:00Z', '2026-01-01T12:00:00Z']);
    expect(liveAt(edges[0], '2026-01-01T08:00:00Z')).toBe(true);
  });
});

describe('fromTrace', () => {
  it('adds each shipment its customer, above it', () => {
    const g = fromTrace(
      [
        { __typename: 'Shipment', id: 'Shipment:S1', shipment: 'S1', destination: 'Lund', customer: { id: 'Customer:ACME', customer: 'ACME' } },
        { __typename: 'Pallet', id: 'Pallet:P1', sscc: '00123', onHold: true },
      ],
      [{ type: 'CONTAINS', source: { id: 'Shipment:S1' }, target: { id: 'Pallet:P1' }, precision: 'EXACT', validFrom: '2026-01-02T00:00:00Z', validTo: null }],
    );
    expect(g.nodes.map((x) => x.id)).toEqual(['Shipment:S1', 'Pallet:P1', 'Customer:ACME']);
    expect(g.edges[1]).toMatchObject({ type: 'SHIPPED_TO', source: 'Shipment:S1', target: 'Customer:ACME' });
    expect(g.nodes[1].onHold).toBe(true);
  });

  it.each([
    [{ __typename: 'Unit', id: 'Unit:SN1', partNumber: '900-1', kind: 'product', status: 'SHIPPED' }, 'SN1', '900-1 · product · SHIPPED'],
    [{ __typename: 'MaterialLot', id: 'MaterialLot:R1', partNumber: '100-1', manufacturer: 'TDK', dateCode: '2612' }, 'R1', '100-1 · TDK · DC 2612'],
    [{ __typename: 'WaferBatch', id: 'WaferBatch:W1', manufacturer: 'NXP', fab: 'F2' }, 'W1', 'wafer batch · NXP · F2'],
  ])('labels %o', (node, title, detail) => {
    expect(toGNode(node)).toMatchObject({ title, detail });
  });
});
