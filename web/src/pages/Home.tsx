import { gql } from '../api';
import { Search } from '../Search';
import { ErrorBox, Link, NodeLink, useLoad } from '../ui';

export const RECENT = `{
  stats { events }
  units(first: 12) { totalCount edges { node { id serial partNumber kind status onHold identifiers { scheme value } } } }
}`;

interface Recent {
  stats: { events: number };
  units: { totalCount: number; edges: { node: { id: string; serial: string; partNumber: string; kind?: string; status: string; onHold: boolean; identifiers: { scheme: string; value: string }[] } }[] };
}

/** The start page: the scan box, and some units to click for a first look. */
export function Home() {
  const { data, error } = useLoad(() => gql<Recent>(RECENT), []);
  return (
    <>
      <div className="card big-search">
        <h2>Find a unit, lot, box or pallet</h2>
        <Search autoFocus />
        <p className="muted">
          Scan a barcode or type any number: serial, IMEI, MAC, lot, SSCC, GS1 Digital Link. For a supplier notice, open a{' '}
          <Link to="/recall">recall report</Link>; to see where material went, <Link to="/where-used">where used</Link>.
        </p>
      </div>
      <ErrorBox error={error} />
      {data && (
        <div className="card">
          <h2>
            Some units <span className="muted">({data.units.totalCount.toLocaleString()} in all, {data.stats.events.toLocaleString()} events)</span>
          </h2>
          <table>
            <thead>
              <tr><th>Serial</th><th>Part number</th><th>Kind</th><th>Status</th><th>Identifiers</th></tr>
            </thead>
            <tbody>
              {data.units.edges.map(({ node: u }) => (
                <tr key={u.id}>
                  <td><NodeLink id={u.id}>{u.serial}</NodeLink> {u.onHold && <span className="held">HOLD</span>}</td>
                  <td>{u.partNumber}</td>
                  <td>{u.kind}</td>
                  <td>{u.status}</td>
                  <td>{u.identifiers.map((i) => `${i.scheme} ${i.value}`).join(', ')}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
