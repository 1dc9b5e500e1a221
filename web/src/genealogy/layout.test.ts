import { describe, expect, it } from 'vitest';
import { LARGE, layered, layout, rankEdge } from './layout';
import type { GEdge, GNode } from './model';

const node = (id: string, typename = 'Unit'): GNode => ({ id, typename, title: id, detail: '', onHold: false });
const edge = (source: string, target: string, type = 'CONTAINS'): GEdge => ({
  type, source, target, precision: 'EXACT', validFrom: '2026-01-01T00:00:00Z', validTo: null,
});

/** A genealogy the shape of a wafer batch's downstream: fan-out by level. */
function fanOut(total: number) {
  const nodes: GNode[] = [node('WaferBatch:W', 'WaferBatch')];
  const edges: GEdge[] = [];
  let level = ['WaferBatch:W'];
  let i = 0;
  while (nodes.length < total) {
    const next: string[] = [];
    for (const parent of level) {
      for (let k = 0; k < 6 && nodes.length < total; k++) {
        const id = `Unit:U${i++}`;
        nodes.push(node(id));
        edges.push(edge(id, parent, 'CONSUMED'));
        next.push(id);
      }
    }
    level = next;
  }
  return { nodes, edges };
}

describe('layout', () => {
  it('puts containers above what they hold and customers above shipments', () => {
    const nodes = [node('Customer:C', 'Customer'), node('Shipment:S', 'Shipment'), node('Pallet:P', 'Pallet'), node('Unit:U')];
    const edges = [edge('Shipment:S', 'Customer:C', 'SHIPPED_TO'), edge('Shipment:S', 'Pallet:P'), edge('Pallet:P', 'Unit:U')];
    const l = layout(nodes, edges);
    const y = (id: string) => l.positions.get(id)!.y;
    expect(y('Customer:C')).toBeLessThan(y('Shipment:S'));
    expect(y('Shipment:S')).toBeLessThan(y('Pallet:P'));
    expect(y('Pallet:P')).toBeLessThan(y('Unit:U'));
    expect(rankEdge(edges[0])).toEqual(['Customer:C', 'Shipment:S']);
  });

  it('places every node without overlaps on a rank', () => {
    const { nodes, edges } = fanOut(60);
    const l = layout(nodes, edges);
    expect(l.positions.size).toBe(60);
    const seen = new Set<string>();
    for (const p of l.positions.values()) {
      const k = `${Math.round(p.x)},${Math.round(p.y)}`;
      expect(seen.has(k)).toBe(false);
      seen.add(k);
    }
  });

  it("lays out a small picture with dagre and a large one fast", () => {
    const small = fanOut(LARGE - 1);
    expect(layout(small.nodes, small.edges).positions.size).toBe(LARGE - 1);
  });

  it('lays out 2,000 nodes in under a second', () => {
    const { nodes, edges } = fanOut(2000);
    const t0 = performance.now();
    const l = layout(nodes, edges);
    const ms = performance.now() - t0;
    expect(l.positions.size).toBe(2000);
    expect(ms).toBeLessThan(1000);
  });
});

describe('layered', () => {
  it('keeps ranks in edge order and rows without overlaps', () => {
    const { nodes, edges } = fanOut(500);
    const l = layered(nodes, edges);
    expect(l.positions.size).toBe(500);
    for (const e of edges) expect(l.positions.get(e.source)!.y).toBeLessThan(l.positions.get(e.target)!.y);
    // (fanOut(500) ranks are at most 6 × parents wide; rows wrap past maxCols.)
    const rows = new Map<number, number[]>();
    for (const p of l.positions.values()) (rows.get(p.y) ?? rows.set(p.y, []).get(p.y)!).push(p.x);
    for (const xs of rows.values()) {
      xs.sort((a, b) => a - b);
      for (let i = 1; i < xs.length; i++) expect(xs[i] - xs[i - 1]).toBeGreaterThanOrEqual(170);
    }
  });
});

describe('wide ranks', () => {
  it('wrap into a grid instead of one long line', () => {
    const nodes = [node('Unit:B')];
    const edges: GEdge[] = [];
    for (let i = 0; i < 90; i++) {
      nodes.push(node(`MaterialLot:R${i}`, 'MaterialLot'));
      edges.push(edge('Unit:B', `MaterialLot:R${i}`, 'CONSUMED'));
    }
    const l = layout(nodes, edges);
    expect(l.width).toBeLessThan(l.height * 4);
    const ys = new Set([...l.positions.values()].map((p) => p.y));
    expect(ys.size).toBeGreaterThan(2);
    for (let i = 0; i < 90; i++) expect(l.positions.get(`MaterialLot:R${i}`)!.y).toBeGreaterThan(l.positions.get('Unit:B')!.y);
  });
});

describe('hit', () => {
  it('finds the node under a point of the drawing, and none between nodes', async () => {
    const { hit } = await import('./CanvasGraph');
    const nodes = [node('Unit:A'), node('Unit:B')];
    const l = layered(nodes, [edge('Unit:A', 'Unit:B')]);
    const a = l.positions.get('Unit:A')!;
    const b = l.positions.get('Unit:B')!;
    expect(hit(nodes, l, a.x + 5, a.y + 5)?.id).toBe('Unit:A');
    expect(hit(nodes, l, b.x + 160, b.y + 40)?.id).toBe('Unit:B');
    expect(hit(nodes, l, a.x + 5, a.y + 50)).toBeUndefined();
  });
});
