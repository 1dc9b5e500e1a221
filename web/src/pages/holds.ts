// How a node page lists the holds in force: one row per hold (its id and
// the node it was placed on), with the items inside a box or pallet that
// carry it. The service answers a container's holds once per item inside it
// that is on hold (Hold.node), so a hold on a wafer batch reaching twenty
// products in a box comes twenty times.

export type HoldIn = { id: string; source: string; node?: string; reason: string; since: string };
export type HoldRow = HoldIn & { carriers: string[] };

// groupHolds returns one row per hold (id and source), in the order the
// service first gives each, with the nodes other than self that carry it.
export function groupHolds(holds: HoldIn[], self: string): HoldRow[] {
  const rows: HoldRow[] = [];
  const byKey = new Map<string, HoldRow>();
  const seen = new Set<string>(); // hold and carrier: a pallet may hold thousands
  for (const h of holds) {
    const k = `${h.id}\u0000${h.source}`;
    let r = byKey.get(k);
    if (!r) {
      r = { ...h, carriers: [] };
      byKey.set(k, r);
      rows.push(r);
    }
    if (h.node && h.node !== self && !seen.has(`${k}\u0000${h.node}`)) {
      seen.add(`${k}\u0000${h.node}`);
      r.carriers.push(h.node);
    }
  }
  return rows;
}
