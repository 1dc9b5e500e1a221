import dagre from '@dagrejs/dagre';
import type { GEdge, GNode } from './model';

// Lays the genealogy out in layers: what holds or is made from a thing above
// it (customer, shipment, pallet, box, product), what it is made of below
// (boards, components, lots, wafer batches). Small pictures use dagre (it
// minimises crossings well); from LARGE nodes on, dagre takes seconds (6 s
// for 2,000 nodes on this machine), so a linear layering does it instead:
// longest-path ranks, one barycentre sweep, packed rows. The layering also
// draws pictures with a rank too wide for dagre's single line (WIDE).

export const NODE_W = 170;
export const NODE_H = 46;
/** From this many nodes on, the fast layering replaces dagre. */
export const LARGE = 200;

/** Where each node goes (its top-left corner) and how big the drawing is. */
export interface Layout {
  positions: Map<string, { x: number; y: number }>;
  width: number;
  height: number;
}

/**
 * The rank edge of a link: source above target, except SHIPPED_TO, whose
 * customer goes above the shipment (the customer is the furthest downstream).
 */
export function rankEdge(e: GEdge): [string, string] {
  return e.type === 'SHIPPED_TO' ? [e.target, e.source] : [e.source, e.target];
}

/** The distinct rank edges between known nodes, without self-links. */
function rankEdges(nodes: GNode[], edges: GEdge[]): [string, string][] {
  const ids = new Set(nodes.map((n) => n.id));
  const seen = new Set<string>();
  const out: [string, string][] = [];
  for (const e of edges) {
    const [a, b] = rankEdge(e);
    const k = a + '\u0000' + b;
    if (a === b || !ids.has(a) || !ids.has(b) || seen.has(k)) continue;
    seen.add(k);
    out.push([a, b]);
  }
  return out;
}

/** Lays out nodes and edges top to bottom. */
export function layout(nodes: GNode[], edges: GEdge[]): Layout {
  return nodes.length >= LARGE || widestRank(nodes, edges) > WIDE ? layered(nodes, edges) : withDagre(nodes, edges);
}

/** A rank wider than this many nodes makes dagre's drawing a long thin line: the layering wraps it. */
export const WIDE = 16;

/** The most children any node has: a lower bound of the widest rank. */
function widestRank(nodes: GNode[], edges: GEdge[]): number {
  const n = new Map<string, number>();
  for (const [a] of rankEdges(nodes, edges)) n.set(a, (n.get(a) ?? 0) + 1);
  return Math.max(0, ...n.values());
}

function withDagre(nodes: GNode[], edges: GEdge[]): Layout {
  const g = new dagre.graphlib.Graph();
  g.setGraph({ rankdir: 'TB', nodesep: 24, ranksep: 70, marginx: 10, marginy: 10 });
  g.setDefaultEdgeLabel(() => ({}));
  for (const n of nodes) g.setNode(n.id, { width: NODE_W, height: NODE_H });
  for (const [a, b] of rankEdges(nodes, edges)) g.setEdge(a, b);
  dagre.layout(g);
  const positions = new Map<string, { x: number; y: number }>();
  for (const n of nodes) {
    const p = g.node(n.id);
    positions.set(n.id, { x: p.x - NODE_W / 2, y: p.y - NODE_H / 2 });
  }
  const gr = g.graph();
  return { positions, width: gr.width ?? 0, height: gr.height ?? 0 };
}

/** The linear layering of large pictures. */
export function layered(nodes: GNode[], edges: GEdge[], gap = 12, rankGap = 60): Layout {
  const re = rankEdges(nodes, edges);
  const parents = new Map<string, string[]>();
  const children = new Map<string, string[]>();
  for (const n of nodes) {
    parents.set(n.id, []);
    children.set(n.id, []);
  }
  for (const [a, b] of re) {
    children.get(a)!.push(b);
    parents.get(b)!.push(a);
  }
  // Longest-path ranks in topological order (Kahn); a node on a cycle keeps
  // the rank it had when the cycle was met.
  const rank = new Map<string, number>();
  const indeg = new Map<string, number>();
  for (const n of nodes) indeg.set(n.id, parents.get(n.id)!.length);
  const order: string[] = nodes.filter((n) => indeg.get(n.id) === 0).map((n) => n.id);
  for (const id of order) rank.set(id, 0);
  for (let i = 0; i < order.length; i++) {
    const id = order[i];
    for (const c of children.get(id)!) {
      rank.set(c, Math.max(rank.get(c) ?? 0, rank.get(id)! + 1));
      indeg.set(c, indeg.get(c)! - 1);
      if (indeg.get(c) === 0) order.push(c);
    }
  }
  for (const n of nodes) if (!rank.has(n.id)) rank.set(n.id, 0);
  // Pull each node without parents down to just above its highest child.
  for (let i = order.length - 1; i >= 0; i--) {
    const id = order[i];
    const cs = children.get(id)!;
    if (parents.get(id)!.length === 0 && cs.length) rank.set(id, Math.min(...cs.map((c) => rank.get(c)!)) - 1);
  }
  const rows: string[][] = [];
  for (const n of nodes) {
    const r = rank.get(n.id)!;
    (rows[r] ??= []).push(n.id);
  }
  // Ranks wider than maxCols wrap into a grid of sub-rows, so that a board
  // with 90 reels stays readable instead of one endless line.
  const x = new Map<string, number>();
  const y = new Map<string, number>();
  const step = NODE_W + gap;
  let top = 0;
  rows.forEach((row = [], r) => {
    const want = (id: string, i: number) => {
      const ps = parents.get(id)!.filter((p) => x.has(p));
      return ps.length ? ps.reduce((s, p) => s + x.get(p)!, 0) / ps.length : (r === 0 ? i * step : Infinity);
    };
    const desired = row.map((id, i) => ({ id, w: want(id, i), i }));
    desired.sort((a, b) => a.w - b.w || a.i - b.i);
    // About twice as wide as tall: cols² · step ≈ 2 · rows · (NODE_H + gap).
    const maxCols = Math.max(8, Math.ceil(Math.sqrt((2 * desired.length * (NODE_H + gap)) / step)));
    if (desired.length <= maxCols) {
      let last = -Infinity;
      for (const d of desired) {
        const at = Math.max(Number.isFinite(d.w) ? d.w : last + step, last + step);
        x.set(d.id, at);
        y.set(d.id, top);
        last = at;
      }
      top += NODE_H + rankGap;
      return;
    }
    const finite = desired.filter((d) => Number.isFinite(d.w));
    const centre = finite.length ? finite.reduce((s, d) => s + d.w, 0) / finite.length : 0;
    const left = centre - ((maxCols - 1) * step) / 2;
    desired.forEach((d, i) => {
      x.set(d.id, left + (i % maxCols) * step);
      y.set(d.id, top + Math.floor(i / maxCols) * (NODE_H + gap));
    });
    top += Math.ceil(desired.length / maxCols) * (NODE_H + gap) - gap + rankGap;
  });
  let minX = Infinity;
  let maxX = -Infinity;
  for (const v of x.values()) {
    minX = Math.min(minX, v);
    maxX = Math.max(maxX, v);
  }
  const positions = new Map<string, { x: number; y: number }>();
  for (const n of nodes) positions.set(n.id, { x: x.get(n.id)! - minX, y: y.get(n.id)! });
  return { positions, width: maxX - minX + NODE_W, height: top };
}
