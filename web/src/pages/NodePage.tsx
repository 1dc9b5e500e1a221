import { gql, splitId } from '../api';
import { Genealogy } from '../genealogy/Genealogy';
import { ErrorBox, Kind, Link, NodeLink, When, useLoad } from '../ui';
import { countByPartNumber } from '../recall/tally';
import { groupHolds, type HoldIn } from './holds';

// The page of one node: its identity, holds, genealogy picture and records.

export const NODE = `query NodePage($id: ID!) {
  node(id: $id) {
    __typename
    id
    ... on Unit {
      serial partNumber revision workOrder kind origin status createdAt completedAt shippedAt scrappedAt shipment customer
      identifiers { scheme value }
      onHold holds { id source reason since }
      parent { node { id } position }
      container { node { id } }
      tests { id testType result program fixture station operator at measurements { name value unit low high result } firmware { version checksum } }
      processSteps { id step recipe result station operator at parameters }
      events { id seq type time station operator }
    }
    ... on Component { serial partNumber mpn manufacturer supplier dateCode supplierLot: lot receivedAt componentStatus: status onHold holds { id source reason since } derivedFrom { id } parent { node { id } } }
    ... on MaterialLot { lot partNumber mpn manufacturer supplier dateCode quantity countryOfOrigin msl receivedAt onHold holds { id source reason since } derivedFrom { id } derivatives { id } }
    ... on WaferBatch { waferBatch manufacturer fab waferCount registeredAt onHold holds { id source reason since } derivatives { id } }
    ... on Box { sscc createdAt onHold holds { id source node reason since } container { node { id } } contents { node { id } position } explode { __typename id ... on Unit { partNumber } ... on Component { partNumber } } }
    ... on Pallet { sscc createdAt onHold holds { id source node reason since } container { node { id } } contents { node { id } position } explode { __typename id ... on Unit { partNumber } ... on Component { partNumber } } }
    ... on Shipment { shipmentKey: shipment destination shippedAt shipCustomer: customer { id customer } contents { node { id } } explode { __typename id ... on Unit { partNumber } ... on Component { partNumber } } }
    ... on Customer { customerName: customer shipments { id destination shippedAt } }
  }
}`;

type Any = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

function Props({ rows }: { rows: [string, React.ReactNode][] }) {
  return (
    <dl className="props">
      {rows
        .filter(([, v]) => v !== null && v !== undefined && v !== '')
        .map(([k, v]) => (
          <div key={k} style={{ display: 'contents' }}>
            <dt>{k}</dt>
            <dd>{v}</dd>
          </div>
        ))}
    </dl>
  );
}

// Holds lists the holds in force on node self, each once; on a box or
// pallet, with the items inside it that carry each (groupHolds).
function Holds({ holds, self }: { holds?: HoldIn[]; self: string }) {
  if (!holds?.length) return null;
  const rows = groupHolds(holds, self);
  const inside = rows.some((r) => r.carriers.length > 0);
  return (
    <div className="card" style={{ borderColor: '#c62828' }} data-testid="holds">
      <h2 className="fail">On hold</h2>
      <table>
        <thead><tr><th>Reason</th><th>Since</th><th>Placed on</th>{inside && <th>Carried by</th>}<th>Hold</th></tr></thead>
        <tbody>
          {rows.map((h) => (
            <tr key={`${h.id}\u0000${h.source}`}>
              <td>{h.reason}</td>
              <td><When at={h.since} /></td>
              <td><NodeLink id={h.source} /></td>
              {inside && <td>{h.carriers.length ? <IdList ids={h.carriers.map((id) => ({ id }))} /> : <span className="muted">itself</span>}</td>}
              <td className="muted">{h.id}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function IdList({ ids }: { ids?: { id: string }[] }) {
  if (!ids?.length) return <span className="muted">—</span>;
  return (
    <>
      {ids.slice(0, 50).map((n, i) => (
        <span key={n.id}>{i > 0 && ', '}<NodeLink id={n.id} /></span>
      ))}
      {ids.length > 50 && <span className="muted"> and {ids.length - 50} more</span>}
    </>
  );
}

function limits(m: Any): string {
  if (m.low == null && m.high == null) return '';
  return `${m.low ?? '−∞'} … ${m.high ?? '∞'}`;
}

function Tests({ tests }: { tests: Any[] }) {
  return (
    <div className="card">
      <h2>Tests ({tests.length})</h2>
      {tests.length === 0 && <p className="muted">No tests recorded.</p>}
      {tests.map((t) => (
        <div key={t.id} style={{ marginBottom: 10 }}>
          <div>
            <b>{t.testType}</b> <span className={t.result === 'pass' ? 'pass' : 'fail'}>{t.result}</span> · {t.station} · <When at={t.at} />
            {t.program && <span className="muted"> · program {t.program}</span>}
            {t.firmware && (
              <span> · firmware <b>{t.firmware.version}</b> <span className="muted">checksum {t.firmware.checksum ?? '—'}</span></span>
            )}
          </div>
          {t.measurements.length > 0 && (
            <table>
              <thead><tr><th>Measurement</th><th className="num">Value</th><th>Unit</th><th>Limits</th><th>Result</th></tr></thead>
              <tbody>
                {t.measurements.map((m: Any) => (
                  <tr key={m.name}>
                    <td>{m.name}</td>
                    <td className="num">{m.value}</td>
                    <td>{m.unit}</td>
                    <td>{limits(m)}</td>
                    <td className={m.result === 'fail' ? 'fail' : 'pass'}>{m.result}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </div>
      ))}
    </div>
  );
}

function Steps({ steps }: { steps: Any[] }) {
  return (
    <div className="card">
      <h2>Process records ({steps.length})</h2>
      <table>
        <thead><tr><th>Step</th><th>Recipe</th><th>Station</th><th>Operator</th><th>At</th><th>Result</th><th>Parameters</th></tr></thead>
        <tbody>
          {steps.map((s) => (
            <tr key={s.id}>
              <td>{s.step}</td><td>{s.recipe}</td><td>{s.station}</td><td>{s.operator}</td><td><When at={s.at} /></td><td>{s.result}</td>
              <td className="muted">{s.parameters ? Object.entries(s.parameters).map(([k, v]) => `${k}=${v}`).join(' ') : ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function Events({ events }: { events: Any[] }) {
  return (
    <div className="card">
      <h2>History ({events.length} events)</h2>
      <table>
        <thead><tr><th className="num">Seq</th><th>Event</th><th>Time</th><th>Station</th><th>Operator</th></tr></thead>
        <tbody>
          {events.map((e) => (
            <tr key={e.id}><td className="num">{e.seq}</td><td>{e.type}</td><td><When at={e.time} /></td><td>{e.station}</td><td>{e.operator}</td></tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** Contents exploded: every unit and component inside, counted per part number. */
function Contents({ n }: { n: Any }) {
  const counts = countByPartNumber(n.explode ?? []);
  return (
    <div className="row">
      <div className="card">
        <h2>Exploded contents ({(n.explode ?? []).length} items)</h2>
        <table data-testid="part-counts">
          <thead><tr><th>Part number</th><th className="num">Count</th></tr></thead>
          <tbody>{counts.map((c) => <tr key={c.partNumber}><td>{c.partNumber}</td><td className="num">{c.count}</td></tr>)}</tbody>
        </table>
      </div>
      <div className="card">
        <h2>Directly inside ({(n.contents ?? []).length})</h2>
        <IdList ids={(n.contents ?? []).map((c: Any) => c.node)} />
      </div>
    </div>
  );
}

function recallLink(id: string) {
  return <Link to={`/recall?suspect=${encodeURIComponent(id)}`}>Recall report from this {splitId(id).label}</Link>;
}

/** The page of the node id. */
export function NodePage({ id }: { id: string }) {
  const { data, error, loading } = useLoad(() => gql<{ node: Any | null }>(NODE, { id }), [id]);
  if (loading && !data) return <p className="muted">Loading {id}…</p>;
  if (error) return <ErrorBox error={error} />;
  const n = data?.node;
  if (!n) return <div className="error">NOT_FOUND: there is no {id}.</div>;
  const t = n.__typename as string;
  const key = splitId(n.id).key;
  const ids = (n.identifiers ?? []) as { scheme: string; value: string }[];
  return (
    <>
      <h1>
        <Kind typename={t} /> {key} {n.onHold && <span className="held">ON HOLD</span>}
        {['MaterialLot', 'WaferBatch', 'Component', 'Unit'].includes(t) && <small style={{ fontSize: 14, fontWeight: 400 }}>{recallLink(n.id)}</small>}
      </h1>
      <div className="row">
        <div className="card">
          <h2>Identity</h2>
          {t === 'Unit' && (
            <Props
              rows={[
                ['Serial', n.serial], ['Part number', n.partNumber], ['Revision', n.revision], ['Kind', n.kind], ['Origin', n.origin],
                ['Status', <b>{n.status}</b>], ['Work order', n.workOrder],
                ...ids.map((i): [string, React.ReactNode] => [i.scheme, <code>{i.value}</code>]),
                ['Built into', n.parent && <><NodeLink id={n.parent.node.id} /> {n.parent.position && `at ${n.parent.position}`}</>],
                ['Packed in', n.container && <NodeLink id={n.container.node.id} />],
                ['Shipment', n.shipment && <NodeLink id={`Shipment:${n.shipment}`}>{n.shipment}</NodeLink>],
                ['Customer', n.customer && <NodeLink id={`Customer:${n.customer}`}>{n.customer}</NodeLink>],
                ['Created', n.createdAt && <When at={n.createdAt} />], ['Completed', n.completedAt && <When at={n.completedAt} />],
                ['Shipped', n.shippedAt && <When at={n.shippedAt} />], ['Scrapped', n.scrappedAt && <When at={n.scrappedAt} />],
              ]}
            />
          )}
          {(t === 'Component' || t === 'MaterialLot') && (
            <Props
              rows={[
                ['Serial', n.serial], ['Lot', n.lot ?? n.supplierLot], ['Part number', n.partNumber], ['MPN', n.mpn], ['Manufacturer', n.manufacturer], ['Supplier', n.supplier],
                ['Date code', n.dateCode], ['Quantity', n.quantity], ['Country of origin', n.countryOfOrigin], ['MSL', n.msl], ['Status', n.componentStatus],
                ['Received', n.receivedAt && <When at={n.receivedAt} />], ['Made from', <IdList ids={n.derivedFrom} />],
                ['Made into', n.derivatives && <IdList ids={n.derivatives} />], ['Built into', n.parent && <NodeLink id={n.parent.node.id} />],
              ]}
            />
          )}
          {t === 'WaferBatch' && (
            <Props rows={[['Wafer batch', n.waferBatch], ['Manufacturer', n.manufacturer], ['Fab', n.fab], ['Wafers', n.waferCount], ['Registered', <When at={n.registeredAt} />], ['Made into', <IdList ids={n.derivatives} />]]} />
          )}
          {(t === 'Box' || t === 'Pallet') && (
            <Props rows={[['SSCC', n.sscc], ['Created', <When at={n.createdAt} />], ['On', n.container && <NodeLink id={n.container.node.id} />]]} />
          )}
          {t === 'Shipment' && (
            <Props rows={[['Shipment', n.shipmentKey], ['Customer', n.shipCustomer && <NodeLink id={n.shipCustomer.id}>{n.shipCustomer.customer}</NodeLink>], ['Destination', n.destination], ['Shipped', <When at={n.shippedAt} />]]} />
          )}
          {t === 'Customer' && (
            <Props rows={[['Customer', n.customerName], ['Shipments', <IdList ids={n.shipments} />]]} />
          )}
        </div>
        <Holds holds={n.holds} self={n.id} />
      </div>
      {['Box', 'Pallet', 'Shipment'].includes(t) && <Contents n={n} />}
      {t !== 'Customer' && <Genealogy id={n.id} />}
      {t === 'Unit' && (
        <>
          <Tests tests={n.tests} />
          <Steps steps={n.processSteps} />
          <Events events={n.events} />
        </>
      )}
    </>
  );
}
