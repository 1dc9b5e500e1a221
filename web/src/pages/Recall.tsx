import { useRef, useState } from 'react';
import writeXlsxFile from 'write-excel-file';
import { authHeaders, gql } from '../api';
import { navigate } from '../router';
import { CONTAIN, MATERIAL_FIELDS, RELEASE, REPORT, recallVariables, requestFromQuery, requestToQuery, unitsQuery, type RecallRequest } from '../recall/queries';
import { bars, evidenceText, sheetRow, SHEET_COLUMNS, tally, type RecallRow, type Rollup, type StatusCounts } from '../recall/tally';
import { download, ErrorBox, NodeLink, When, useLoad } from '../ui';

// The recall report: from suspects (lots, wafer batches, components, units)
// and/or a material description, the affected units (confirmed vs possible,
// shipped vs in house), their rollups, each unit with its evidence path;
// CSV and XLSX exports; containment in one click.

interface Report {
  recallImpact: {
    suspects: string[];
    asOf: string;
    matchedMaterial: { totalCount: number; edges: { node: { id: string } }[] };
    confirmedCounts: StatusCounts;
    possibleCounts: StatusCounts;
    products: (Rollup & { node: { id: string; partNumber?: string } })[];
    workOrders: Rollup[];
    boxes: Rollup[];
    pallets: Rollup[];
    shipments: Rollup[];
    customers: Rollup[];
  };
}

interface UnitsPage {
  recallImpact: Record<'confirmed' | 'possible', { totalCount: number; pageInfo: { hasNextPage: boolean; endCursor: string | null }; edges: RecallRow[] }>;
}

const PAGE = 50;
const EXPORT_PAGE = 500;

/** Resolves what was typed (codes or IDs, one per line or comma) to global IDs through lookup. */
async function resolveSuspects(text: string): Promise<string[]> {
  const codes = text.split(/[\n,;]+/).map((s) => s.trim()).filter(Boolean);
  const ids: string[] = [];
  for (const c of codes) {
    const d = await gql<{ lookup: { id: string }[] }>('query($c: String!) { lookup(code: $c) { id } }', { c });
    if (d.lookup.length === 0) throw new Error(`nothing is known as “${c}”`);
    ids.push(d.lookup[0].id);
  }
  return ids;
}

function RecallForm({ initial }: { initial: RecallRequest }) {
  const [suspects, setSuspects] = useState(initial.suspects.join('\n'));
  const [material, setMaterial] = useState<Record<string, string>>(initial.material);
  const [history, setHistory] = useState(initial.history);
  const [error, setError] = useState<Error>();
  const [busy, setBusy] = useState(false);
  return (
    <form
      className="card recall"
      onSubmit={async (e) => {
        e.preventDefault();
        setBusy(true);
        setError(undefined);
        try {
          const ids = await resolveSuspects(suspects);
          const m = Object.fromEntries(Object.entries(material).map(([k, v]) => [k, v.trim()]).filter(([, v]) => v));
          if (!ids.length && !Object.keys(m).length) throw new Error('give a suspect or describe the material');
          navigate('/recall?' + requestToQuery({ suspects: ids, material: m, history }).toString());
        } catch (err) {
          setError(err as Error);
        } finally {
          setBusy(false);
        }
      }}
    >
      <label className="wide">
        Suspects: lots, wafer batches, components or units (scan or type, one per line)
        <textarea aria-label="Suspects" rows={2} value={suspects} onChange={(e) => setSuspects(e.target.value)} placeholder="WCR3-000001" />
      </label>
      {MATERIAL_FIELDS.map(([f, label]) => (
        <label key={f}>
          {label}
          <input aria-label={label} value={material[f] ?? ''} onChange={(e) => setMaterial({ ...material, [f]: e.target.value })} />
        </label>
      ))}
      <label style={{ flexDirection: 'row', gap: 6, alignItems: 'center' }}>
        <input type="checkbox" checked={history} onChange={(e) => setHistory(e.target.checked)} /> include parts removed in rework
      </label>
      <div className="actions wide">
        <button className="primary" disabled={busy}>{busy ? 'Resolving…' : 'Run recall'}</button>
      </div>
      <div className="wide"><ErrorBox error={error} /></div>
    </form>
  );
}

function Tiles({ r }: { r: Report['recallImpact'] }) {
  const t = tally(r.confirmedCounts, r.possibleCounts);
  const tile = (n: number, l: string, cls = '', testid = '') => (
    <div className={`tile ${cls}`} data-testid={testid || undefined}>
      <div className="n">{n.toLocaleString()}</div>
      <div className="l">{l}</div>
    </div>
  );
  return (
    <div className="tiles">
      {tile(t.affected, 'affected units', '', 'affected')}
      {tile(t.confirmed, 'confirmed (exact links)', 'confirmed', 'confirmed')}
      {tile(t.possible, 'possible (candidate/order)', 'possible', 'possible')}
      {tile(t.shipped, `shipped (${t.shippedPercent} %)`, '', 'shipped')}
      {tile(t.inHouse, 'in house', '', 'in-house')}
      {tile(t.scrapped, 'scrapped', '', 'scrapped')}
    </div>
  );
}

function RollupTable({ title, entries }: { title: string; entries: Rollup[] }) {
  const [all, setAll] = useState(false);
  const shown = all ? entries : entries.slice(0, 10);
  return (
    <div className="card" data-testid={`rollup-${title}`}>
      <h2>{title} <span className="muted">({entries.length})</span></h2>
      <table>
        <thead><tr><th>{title.replace(/s$/, '')}</th><th className="num">Confirmed</th><th className="num">Possible</th></tr></thead>
        <tbody>
          {shown.map((e) => (
            <tr key={e.node.id}><td><NodeLink id={e.node.id}>{e.node.id.slice(e.node.id.indexOf(':') + 1)}</NodeLink></td><td className="num">{e.confirmed}</td><td className="num">{e.possible}</td></tr>
          ))}
        </tbody>
      </table>
      {entries.length > 10 && <button onClick={() => setAll(!all)}>{all ? 'Fewer' : `All ${entries.length}`}</button>}
    </div>
  );
}

function Chart({ title, entries }: { title: string; entries: Rollup[] }) {
  const bs = bars(entries);
  return (
    <div className="card">
      <h2>{title}: the largest <span className="muted">(<span style={{ color: '#c62828' }}>■</span> confirmed, <span style={{ color: '#ef9a00' }}>■</span> possible)</span></h2>
      {bs.length === 0 && <p className="muted">None.</p>}
      {bs.map((b) => (
        <div className="bar" key={b.id}>
          <span className="name" title={b.id}>{b.id.slice(b.id.indexOf(':') + 1)}</span>
          <span className="track"><span className="c" style={{ width: `${b.confirmedPct}%` }} /><span className="p" style={{ width: `${b.possiblePct}%` }} /></span>
          <span className="num" style={{ width: 60 }}>{b.confirmed + b.possible}</span>
        </div>
      ))}
    </div>
  );
}

function Units({ req, which }: { req: RecallRequest; which: 'confirmed' | 'possible' }) {
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const after = cursors[cursors.length - 1];
  const { data, error, loading } = useLoad(
    () => gql<UnitsPage>(unitsQuery(which, true), { ...recallVariables(req), first: PAGE, after }),
    [JSON.stringify(req), which, after],
  );
  const page = data?.recallImpact[which];
  return (
    <div className="card" data-testid={`units-${which}`}>
      <h2>{which === 'confirmed' ? 'Confirmed' : 'Possible'} units {page && <span className="muted">({page.totalCount.toLocaleString()})</span>}</h2>
      <ErrorBox error={error} />
      {page && (
        <>
          <table>
            <thead><tr><th>Unit</th><th>Part number</th><th>Status</th><th>Precision</th><th className="num">Depth</th><th>Evidence: suspect → … → unit</th></tr></thead>
            <tbody>
              {page.edges.map((e) => (
                <tr key={e.node.id}>
                  <td><NodeLink id={e.node.id}>{e.node.serial}</NodeLink> {e.onHold && <span className="held">HOLD</span>}</td>
                  <td>{e.node.partNumber}</td>
                  <td>{e.status}</td>
                  <td>{e.precision}</td>
                  <td className="num">{e.depth}</td>
                  <td className="evidence">{evidenceText(e.evidence)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <div className="pager">
            <button disabled={cursors.length === 1 || loading} onClick={() => setCursors(cursors.slice(0, -1))}>← Previous</button>
            <span>
              {((cursors.length - 1) * PAGE + (page.edges.length ? 1 : 0)).toLocaleString()}–{((cursors.length - 1) * PAGE + page.edges.length).toLocaleString()} of {page.totalCount.toLocaleString()}
            </span>
            <button disabled={!page.pageInfo.hasNextPage || loading} onClick={() => setCursors([...cursors, page.pageInfo.endCursor])}>Next →</button>
          </div>
        </>
      )}
    </div>
  );
}

/** Every affected unit, page by page, as spreadsheet rows (header first). */
async function sheetRows(req: RecallRequest, progress: (n: number) => void): Promise<(string | number | boolean)[][]> {
  const rows: (string | number | boolean)[][] = [[...SHEET_COLUMNS]];
  for (const which of ['confirmed', 'possible'] as const) {
    let after: string | null = null;
    for (;;) {
      const d: UnitsPage = await gql<UnitsPage>(unitsQuery(which, false), { ...recallVariables(req), first: EXPORT_PAGE, after });
      const page = d.recallImpact[which];
      for (const e of page.edges) rows.push(sheetRow(e, which === 'confirmed'));
      progress(rows.length - 1);
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
  }
  return rows;
}

function Exports({ req, total }: { req: RecallRequest; total: number }) {
  const [state, setState] = useState('');
  const [error, setError] = useState<Error>();
  const name = `recall-${new Date().toISOString().slice(0, 10)}`;
  return (
    <div className="actions">
      <button
        data-testid="export-csv"
        onClick={async () => {
          setError(undefined);
          try {
            const res = await fetch('/api/v1/export/recall?' + requestToQuery(req).toString(), { headers: authHeaders() });
            if (!res.ok) throw new Error(`export answered ${res.status}: ${await res.text()}`);
            download(await res.blob(), `${name}.csv`);
          } catch (e) {
            setError(e as Error);
          }
        }}
      >
        Export CSV (with evidence)
      </button>
      <button
        data-testid="export-xlsx"
        disabled={state !== ''}
        onClick={async () => {
          setError(undefined);
          try {
            const rows = await sheetRows(req, (n) => setState(`${n.toLocaleString()} of ${total.toLocaleString()} rows…`));
            const data = rows.map((r, i) => r.map((v) => (i === 0 ? { value: String(v), fontWeight: 'bold' as const } : { value: v, type: typeof v === 'boolean' ? Boolean : String }))) as never;
            download(await writeXlsxFile(data, { columns: SHEET_COLUMNS.map((c) => ({ width: Math.max(12, c.length + 2) })), sheet: 'Affected units' } as never) as unknown as Blob, `${name}.xlsx`);
          } catch (e) {
            setError(e as Error);
          } finally {
            setState('');
          }
        }}
      >
        {state ? `Exporting ${state}` : 'Export XLSX (IMEI, box, pallet, shipment)'}
      </button>
      <ErrorBox error={error} />
    </div>
  );
}

function Contain({ req, inHouse }: { req: RecallRequest; inHouse: number }) {
  const dialog = useRef<HTMLDialogElement>(null);
  const [reason, setReason] = useState('supplier notice');
  const [result, setResult] = useState<{ containment: string; units: number; material: number; placed: number; alreadyPlaced: number; refused: number } | null>(null);
  const [released, setReleased] = useState('');
  const [error, setError] = useState<Error>();
  const [busy, setBusy] = useState(false);
  return (
    <div className="card">
      <h2>Containment</h2>
      <p className="muted">Puts the suspect material and every affected unit still in the house ({inHouse.toLocaleString()}) on hold: shipping anything holding them is then refused.</p>
      <div className="actions">
        <button className="danger" data-testid="contain" onClick={() => dialog.current?.showModal()}>Contain…</button>
        {result && (
          <button
            data-testid="release"
            disabled={busy}
            onClick={async () => {
              setBusy(true);
              try {
                const d = await gql<{ releaseContainment: { released: number; kept: number } }>(RELEASE, { containment: result.containment, reason: `released: ${reason}` });
                setReleased(`Released ${d.releaseContainment.released} holds (${d.releaseContainment.kept} kept: they carry other holds).`);
                setResult(null);
              } catch (e) {
                setError(e as Error);
              } finally {
                setBusy(false);
              }
            }}
          >
            Release containment
          </button>
        )}
      </div>
      {result && (
        <div className="notice" data-testid="contained">
          Contained as <code>{result.containment}</code>: {result.units.toLocaleString()} units and {result.material} material on hold ({result.placed} holds placed now, {result.alreadyPlaced} already, {result.refused} refused).
        </div>
      )}
      {released && <div className="notice">{released}</div>}
      <ErrorBox error={error} />
      <dialog ref={dialog}>
        <h3 style={{ marginTop: 0 }}>Contain this recall?</h3>
        <p>{inHouse.toLocaleString()} affected units in the house and the suspect material go on hold. You can release it afterwards.</p>
        <label>Reason <input aria-label="Reason" value={reason} onChange={(e) => setReason(e.target.value)} style={{ width: '100%' }} /></label>
        <div className="actions" style={{ marginTop: 12, justifyContent: 'flex-end' }}>
          <button onClick={() => dialog.current?.close()}>Cancel</button>
          <button
            className="danger"
            data-testid="confirm-contain"
            disabled={busy || !reason.trim()}
            onClick={async () => {
              setBusy(true);
              setError(undefined);
              try {
                const v = recallVariables(req);
                const d = await gql<{ contain: NonNullable<typeof result> }>(CONTAIN, { suspects: v.suspects, material: v.material, reason: reason.trim() });
                setResult(d.contain);
                setReleased('');
              } catch (e) {
                setError(e as Error);
              } finally {
                setBusy(false);
                dialog.current?.close();
              }
            }}
          >
            Put on hold
          </button>
        </div>
      </dialog>
    </div>
  );
}

/** The recall page: the form, and the report when the URL holds a request. */
export function RecallPage({ query }: { query: URLSearchParams }) {
  const req = requestFromQuery(query);
  const asked = req.suspects.length > 0 || Object.keys(req.material).length > 0;
  const { data, error, loading } = useLoad(
    () => (asked ? gql<Report>(REPORT, recallVariables(req)) : Promise.resolve(null)),
    [query.toString()],
  );
  const r = data?.recallImpact;
  return (
    <>
      <h1>Recall report</h1>
      <RecallForm initial={req} />
      <ErrorBox error={error} />
      {loading && asked && <p className="muted">Computing the affected units…</p>}
      {r && (
        <>
          <div className="card">
            <div className="muted">
              From {r.suspects.map((s, i) => <span key={s}>{i > 0 && ', '}<NodeLink id={s} /></span>)}
              {r.matchedMaterial.totalCount > 0 && <> and {r.matchedMaterial.totalCount} matched material lots/components</>}, as of <When at={r.asOf} />
            </div>
          </div>
          <Tiles r={r} />
          <div className="row">
            <Contain req={req} inHouse={r.confirmedCounts.inHouse + r.possibleCounts.inHouse} />
            <div className="card">
              <h2>Export</h2>
              <Exports req={req} total={r.confirmedCounts.total + r.possibleCounts.total} />
            </div>
          </div>
          <div className="row">
            <Chart title="Customers" entries={r.customers} />
            <Chart title="Work orders" entries={r.workOrders} />
          </div>
          <div className="row">
            <RollupTable title="Products" entries={r.products} />
            <RollupTable title="Work orders" entries={r.workOrders} />
            <RollupTable title="Boxes" entries={r.boxes} />
          </div>
          <div className="row">
            <RollupTable title="Pallets" entries={r.pallets} />
            <RollupTable title="Shipments" entries={r.shipments} />
            <RollupTable title="Customers" entries={r.customers} />
          </div>
          <Units req={req} which="confirmed" />
          <Units req={req} which="possible" />
        </>
      )}
    </>
  );
}
