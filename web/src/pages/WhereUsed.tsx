import { useState } from 'react';
import { gql } from '../api';
import { navigate } from '../router';
import { MATERIAL_FIELDS } from '../recall/queries';
import { tally, type Rollup, type StatusCounts } from '../recall/tally';
import { ErrorBox, Link, NodeLink, useLoad } from '../ui';

// Where material went: the products, work orders and customers holding
// material a description matches (Query.whereUsed).

export const WHERE_USED = `query WhereUsed($material: MaterialFilter!) {
  whereUsed(material: $material) {
    materialCount productUnits
    confirmedCounts { total shipped inHouse scrapped }
    possibleCounts { total shipped inHouse scrapped }
    products { partNumber confirmed possible }
    workOrders { node { id } confirmed possible }
    customers { node { id } confirmed possible }
    units(first: 50) { totalCount edges { precision status onHold node { id serial partNumber } } }
  }
}`;

interface Answer {
  whereUsed: {
    materialCount: number;
    productUnits: number;
    confirmedCounts: StatusCounts;
    possibleCounts: StatusCounts;
    products: { partNumber: string; confirmed: number; possible: number }[];
    workOrders: Rollup[];
    customers: Rollup[];
    units: { totalCount: number; edges: { precision: string; status: string; onHold: boolean; node: { id: string; serial: string; partNumber: string } }[] };
  };
}

/** The where-used page. */
export function WhereUsedPage({ query }: { query: URLSearchParams }) {
  const material: Record<string, string> = {};
  for (const [f] of MATERIAL_FIELDS) if (query.get(f)) material[f] = query.get(f)!;
  const asked = Object.keys(material).length > 0;
  const [form, setForm] = useState(material);
  const { data, error } = useLoad(() => (asked ? gql<Answer>(WHERE_USED, { material }) : Promise.resolve(null)), [query.toString()]);
  const w = data?.whereUsed;
  const t = w && tally(w.confirmedCounts, w.possibleCounts);
  return (
    <>
      <h1>Where used</h1>
      <form
        className="card recall"
        onSubmit={(e) => {
          e.preventDefault();
          const q = new URLSearchParams(Object.entries(form).filter(([, v]) => v.trim()));
          navigate('/where-used?' + q.toString());
        }}
      >
        {MATERIAL_FIELDS.map(([f, label]) => (
          <label key={f}>{label}<input aria-label={label} value={form[f] ?? ''} onChange={(e) => setForm({ ...form, [f]: e.target.value })} /></label>
        ))}
        <div className="actions wide"><button className="primary">Find where used</button></div>
      </form>
      <ErrorBox error={error} />
      {w && t && (
        <>
          <div className="tiles">
            <div className="tile"><div className="n">{w.materialCount}</div><div className="l">matching lots</div></div>
            <div className="tile confirmed" data-testid="wu-confirmed"><div className="n">{t.confirmed}</div><div className="l">confirmed units</div></div>
            <div className="tile possible" data-testid="wu-possible"><div className="n">{t.possible}</div><div className="l">possible units</div></div>
            <div className="tile" data-testid="wu-products"><div className="n">{w.productUnits}</div><div className="l">finished products</div></div>
            <div className="tile"><div className="n">{t.shipped}</div><div className="l">shipped</div></div>
          </div>
          <p><Link to={'/recall?' + query.toString()}>Open as a recall report (export, contain)</Link></p>
          <div className="row">
            <div className="card">
              <h2>Products by part number</h2>
              <table><thead><tr><th>Part number</th><th className="num">Confirmed</th><th className="num">Possible</th></tr></thead>
                <tbody>{w.products.map((p) => <tr key={p.partNumber}><td>{p.partNumber}</td><td className="num">{p.confirmed}</td><td className="num">{p.possible}</td></tr>)}</tbody></table>
            </div>
            {([['Work orders', w.workOrders], ['Customers', w.customers]] as const).map(([title, rows]) => (
              <div className="card" key={title}>
                <h2>{title}</h2>
                <table><thead><tr><th>{title}</th><th className="num">Confirmed</th><th className="num">Possible</th></tr></thead>
                  <tbody>{rows.map((r) => <tr key={r.node.id}><td><NodeLink id={r.node.id} /></td><td className="num">{r.confirmed}</td><td className="num">{r.possible}</td></tr>)}</tbody></table>
              </div>
            ))}
          </div>
          <div className="card">
            <h2>Units <span className="muted">(first 50 of {w.units.totalCount})</span></h2>
            <table><thead><tr><th>Unit</th><th>Part number</th><th>Status</th><th>Precision</th></tr></thead>
              <tbody>{w.units.edges.map((e) => <tr key={e.node.id}><td><NodeLink id={e.node.id}>{e.node.serial}</NodeLink> {e.onHold && <span className="held">HOLD</span>}</td><td>{e.node.partNumber}</td><td>{e.status}</td><td>{e.precision}</td></tr>)}</tbody></table>
          </div>
        </>
      )}
    </>
  );
}
