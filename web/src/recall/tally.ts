// The recall report's arithmetic and the rows of its spreadsheet: pure
// functions, tested with Vitest (tally.test.ts).

/** Units by where they are. */
export interface StatusCounts {
  total: number;
  shipped: number;
  inHouse: number;
  scrapped: number;
}

/** The tiles at the top of a report: affected, confirmed, possible, shipped, in house. */
export interface Tally {
  affected: number;
  confirmed: number;
  possible: number;
  shipped: number;
  inHouse: number;
  scrapped: number;
  /** The share of the affected units that already left, in percent (0 without any). */
  shippedPercent: number;
}

/** The tiles of confirmed and possible counts. */
export function tally(confirmed: StatusCounts, possible: StatusCounts): Tally {
  const affected = confirmed.total + possible.total;
  const shipped = confirmed.shipped + possible.shipped;
  return {
    affected,
    confirmed: confirmed.total,
    possible: possible.total,
    shipped,
    inHouse: confirmed.inHouse + possible.inHouse,
    scrapped: confirmed.scrapped + possible.scrapped,
    shippedPercent: affected ? Math.round((1000 * shipped) / affected) / 10 : 0,
  };
}

/** A rollup row: affected units under one product, work order, box, pallet, shipment or customer. */
export interface Rollup {
  node: { id: string };
  confirmed: number;
  possible: number;
}

/** A bar of the chart: its share of the largest entry, in percent. */
export interface Bar {
  id: string;
  confirmed: number;
  possible: number;
  confirmedPct: number;
  possiblePct: number;
}

/** The top entries of a rollup, largest first (then by ID), scaled to the largest. */
export function bars(entries: Rollup[], top = 12): Bar[] {
  const sorted = [...entries].sort((a, b) => b.confirmed + b.possible - (a.confirmed + a.possible) || a.node.id.localeCompare(b.node.id));
  const max = sorted.length ? sorted[0].confirmed + sorted[0].possible : 0;
  return sorted.slice(0, top).map((e) => ({
    id: e.node.id,
    confirmed: e.confirmed,
    possible: e.possible,
    confirmedPct: max ? (100 * e.confirmed) / max : 0,
    possiblePct: max ? (100 * e.possible) / max : 0,
  }));
}

/** Items counted per part number, most first (then by part number). */
export function countByPartNumber(items: { partNumber?: string | null }[]): { partNumber: string; count: number }[] {
  const m = new Map<string, number>();
  for (const it of items) {
    const pn = it.partNumber ?? '(no part number)';
    m.set(pn, (m.get(pn) ?? 0) + 1);
  }
  return [...m].map(([partNumber, count]) => ({ partNumber, count })).sort((a, b) => b.count - a.count || a.partNumber.localeCompare(b.partNumber));
}

/** A box, pallet or shipment, with what holds it. */
export interface Holder {
  id: string;
  container?: { node: Holder } | null;
}

/** A unit as the spreadsheet query selects it: its numbers, where it is packed, and its parent. */
export interface WhereUnit {
  id: string;
  serial: string;
  partNumber: string;
  shipment?: string | null;
  customer?: string | null;
  identifiers: { scheme: string; value: string }[];
  container?: { node: Holder } | null;
  parent?: { node: WhereUnit | { id: string } } | null;
}

/** An affected unit of a page of the report. */
export interface RecallRow {
  precision: string;
  depth: number;
  status: string;
  onHold: boolean;
  node: WhereUnit;
  evidence?: { type: string; source: { id: string }; target: { id: string }; precision: string }[];
}

/** Where a unit is, as a customer knows it: its product, box, pallet, shipment and customer. */
export interface Whereabouts {
  product: string;
  imei: string;
  customerSerial: string;
  mac: string;
  box: string;
  pallet: string;
  shipment: string;
  customer: string;
}

const key = (id?: string) => (id ? id.slice(id.indexOf(':') + 1) : '');

/**
 * Where a unit is: the finished product it is (or is built into), and the
 * box, pallet and shipment holding that product, with the numbers a customer
 * knows (IMEI, customer serial, MAC) of the unit or else of its product.
 */
export function whereabouts(u: WhereUnit): Whereabouts {
  const chain: WhereUnit[] = [u];
  let p = u.parent?.node;
  while (p && 'serial' in p) {
    chain.push(p);
    p = p.parent?.node;
  }
  const top = chain[chain.length - 1];
  const num = (scheme: string) => {
    for (const c of chain) {
      const v = c.identifiers.find((i) => i.scheme.toUpperCase() === scheme)?.value;
      if (v) return v;
    }
    return '';
  };
  // Walk up the containers of the first unit in the chain that is packed.
  let box = '';
  let pallet = '';
  let shipment = '';
  const packed = chain.find((c) => c.container)?.container?.node;
  for (let c: Holder | undefined = packed; c; c = c.container?.node) {
    const label = c.id.slice(0, c.id.indexOf(':'));
    if (label === 'Box') box ||= key(c.id);
    else if (label === 'Pallet') pallet ||= key(c.id);
    else if (label === 'Shipment') shipment ||= key(c.id);
  }
  return {
    product: top.serial,
    imei: num('IMEI'),
    customerSerial: num('CUSTOMER_SERIAL'),
    mac: num('MAC'),
    box,
    pallet,
    shipment: shipment || chain.map((c) => c.shipment).find(Boolean) || '',
    customer: chain.map((c) => c.customer).find(Boolean) || '',
  };
}

/**
 * The evidence path of a row, suspect first. Its links come in graph
 * direction (a lot DERIVED_FROM its wafer batch, a unit CONSUMED a lot), so
 * a recall walks each from its target to its source; the walk follows
 * whichever end it has not reached yet.
 */
export function evidenceText(ev: RecallRow['evidence']): string {
  if (!ev?.length) return '';
  let at = ev[0].target.id;
  const parts = [at];
  for (const e of ev) {
    at = e.source.id === at ? e.target.id : e.source.id;
    parts.push(`${at} (${e.type} ${e.precision})`);
  }
  return parts.join(' → ');
}

/** The spreadsheet's columns. */
export const SHEET_COLUMNS = [
  'Unit', 'Serial', 'Part number', 'Affected', 'Precision', 'Status', 'On hold',
  'Product', 'IMEI', 'Customer serial', 'MAC', 'Box', 'Pallet', 'Shipment', 'Customer',
] as const;

/** One spreadsheet row of an affected unit (same order as SHEET_COLUMNS). */
export function sheetRow(r: RecallRow, confirmed: boolean): (string | number | boolean)[] {
  const w = whereabouts(r.node);
  return [
    r.node.id, r.node.serial, r.node.partNumber, confirmed ? 'confirmed' : 'possible', r.precision, r.status, r.onHold,
    w.product, w.imei, w.customerSerial, w.mac, w.box, w.pallet, w.shipment, w.customer,
  ];
}
