// The genealogy picture's model: what a trace answer becomes before it is
// drawn. Pure functions, tested with Vitest (model.test.ts).

export type Precision = 'EXACT' | 'CANDIDATE' | 'ORDER';

/** A node of the picture, from a trace node (or a shipment's customer). */
export interface GNode {
  id: string;
  typename: string;
  /** The first line: the serial, lot, SSCC or name. */
  title: string;
  /** The second line: part number, manufacturer, destination... */
  detail: string;
  onHold: boolean;
}

/** A link of the picture, from a trace edge. */
export interface GEdge {
  type: string;
  source: string;
  target: string;
  precision: Precision;
  validFrom: string;
  validTo: string | null;
  refDes?: string[];
}

/** The colours of the kinds of node. */
export const kindColors: Record<string, string> = {
  Unit: '#cfe3ff',
  Component: '#e2d4ff',
  MaterialLot: '#ffe6b3',
  WaferBatch: '#ffcfb3',
  Box: '#d6f5d6',
  Pallet: '#b8ebc0',
  Shipment: '#9fdfb0',
  Customer: '#f2f2a0',
};

/** The fill of a node of this kind (grey for kinds without a colour). */
export function kindColor(typename: string): string {
  return kindColors[typename] ?? '#e6e6e6';
}

/** How a link is stroked: EXACT solid, CANDIDATE dashed, ORDER dotted; closed links faded. */
export interface LinkStyle {
  stroke: string;
  strokeWidth: number;
  strokeDasharray?: string;
  opacity: number;
}

/** The stroke of a link by its precision, faded when it is closed (validTo set). */
export function linkStyle(precision: Precision, closed: boolean): LinkStyle {
  const s: LinkStyle = { stroke: '#334', strokeWidth: 1.5, opacity: closed ? 0.25 : 1 };
  if (precision === 'CANDIDATE') s.strokeDasharray = '6 4';
  if (precision === 'ORDER') s.strokeDasharray = '1 4';
  return s;
}

/** Whether an edge is in force at the instant t (ISO 8601): validFrom ≤ t < validTo. */
export function liveAt(e: GEdge, t: string): boolean {
  const at = Date.parse(t);
  return Date.parse(e.validFrom) <= at && (e.validTo === null || at < Date.parse(e.validTo));
}

/**
 * The part of the genealogy in force at asOf, seen from root: the edges live
 * then, and the nodes the root reaches through them going upstream (source to
 * target) and downstream (target to source), without turning around, like
 * trace(direction: BOTH). Without asOf every edge counts (the full history).
 */
export function structureAt(
  root: string,
  nodes: GNode[],
  edges: GEdge[],
  asOf?: string,
): { nodes: GNode[]; edges: GEdge[] } {
  const live = asOf ? edges.filter((e) => liveAt(e, asOf)) : edges;
  const down = new Map<string, GEdge[]>(); // target → edges into it
  const up = new Map<string, GEdge[]>(); // source → edges out of it
  for (const e of live) {
    (up.get(e.source) ?? up.set(e.source, []).get(e.source)!).push(e);
    (down.get(e.target) ?? down.set(e.target, []).get(e.target)!).push(e);
  }
  const seen = new Set<string>([root]);
  const kept = new Set<GEdge>();
  const walk = (index: Map<string, GEdge[]>, next: (e: GEdge) => string) => {
    const visited = new Set<string>([root]);
    const queue = [root];
    while (queue.length) {
      const id = queue.shift()!;
      for (const e of index.get(id) ?? []) {
        kept.add(e);
        const n = next(e);
        if (!visited.has(n)) {
          visited.add(n);
          seen.add(n);
          queue.push(n);
        }
      }
    }
  };
  walk(up, (e) => e.target);
  walk(down, (e) => e.source);
  return {
    nodes: nodes.filter((n) => seen.has(n.id)),
    edges: edges.filter((e) => kept.has(e)),
  };
}

/** The distinct instants at which the structure changed (edges opened or closed), oldest first. */
export function changeTimes(edges: GEdge[]): string[] {
  const ts = new Set<string>();
  for (const e of edges) {
    ts.add(e.validFrom);
    if (e.validTo) ts.add(e.validTo);
  }
  return [...ts].sort((a, b) => Date.parse(a) - Date.parse(b));
}

/** A trace answer's node, as the genealogy query selects it. */
export interface TraceNode {
  __typename: string;
  id: string;
  onHold?: boolean;
  serial?: string;
  partNumber?: string;
  revision?: string | null;
  status?: string;
  kind?: string | null;
  lot?: string;
  manufacturer?: string | null;
  supplier?: string | null;
  dateCode?: string | null;
  waferBatch?: string;
  fab?: string | null;
  sscc?: string | null;
  shipment?: string;
  destination?: string | null;
  customer?: { id: string; customer: string } | string | null;
}

/** The picture's node of a trace node. */
export function toGNode(n: TraceNode): GNode {
  const key = n.id.slice(n.id.indexOf(':') + 1);
  const join = (...xs: (string | null | undefined)[]) => xs.filter(Boolean).join(' · ');
  let detail = '';
  switch (n.__typename) {
    case 'Unit':
      detail = join(n.partNumber, n.kind, n.status);
      break;
    case 'Component':
      detail = join(n.partNumber, n.manufacturer);
      break;
    case 'MaterialLot':
      detail = join(n.partNumber, n.manufacturer ?? n.supplier, n.dateCode && `DC ${n.dateCode}`);
      break;
    case 'WaferBatch':
      detail = join('wafer batch', n.manufacturer, n.fab);
      break;
    case 'Box':
    case 'Pallet':
      detail = join(n.__typename.toLowerCase(), n.sscc && `SSCC ${n.sscc}`);
      break;
    case 'Shipment':
      detail = join('shipment', n.destination);
      break;
    case 'Customer':
      detail = 'customer';
      break;
  }
  return { id: n.id, typename: n.__typename, title: key, detail, onHold: !!n.onHold };
}

/**
 * The picture of a trace answer: its nodes and edges, plus, for each
 * shipment, its customer and a SHIPPED_TO link (a downstream walk does not
 * turn around to reach it).
 */
export function fromTrace(
  nodes: TraceNode[],
  edges: { type: string; source: { id: string }; target: { id: string }; precision: Precision; validFrom: string; validTo: string | null; refDes?: string[] }[],
): { nodes: GNode[]; edges: GEdge[] } {
  const out: GNode[] = nodes.map(toGNode);
  const ids = new Set(out.map((n) => n.id));
  const ge: GEdge[] = edges.map((e) => ({
    type: e.type,
    source: e.source.id,
    target: e.target.id,
    precision: e.precision,
    validFrom: e.validFrom,
    validTo: e.validTo,
    refDes: e.refDes,
  }));
  const linked = new Set(ge.filter((e) => e.type === 'SHIPPED_TO').map((e) => e.source));
  for (const n of nodes) {
    const c = n.customer;
    if (n.__typename !== 'Shipment' || !c || typeof c === 'string' || linked.has(n.id)) continue;
    if (!ids.has(c.id)) {
      ids.add(c.id);
      out.push({ id: c.id, typename: 'Customer', title: c.customer, detail: 'customer', onHold: false });
    }
    // The shipment's first link: it left when it was first packed into.
    const from = ge.filter((e) => e.source === n.id).map((e) => e.validFrom).sort()[0] ?? '1970-01-01T00:00:00Z';
    ge.push({ type: 'SHIPPED_TO', source: n.id, target: c.id, precision: 'EXACT', validFrom: from, validTo: null });
  }
  return { nodes: out, edges: ge };
}
