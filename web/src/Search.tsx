import { useEffect, useRef, useState } from 'react';
import { gql } from './api';
import { nodePath, navigate } from './router';
import { Kind } from './ui';

// One box for whatever is scanned or typed: serial, IMEI, MAC, lot, SSCC,
// GS1 Digital Link, raw scan or global ID, through Query.lookup. Results come
// as one types; Enter opens the first.

export const LOOKUP = `query Lookup($code: String!) {
  lookup(code: $code) {
    __typename
    id
    ... on Unit { partNumber status onHold }
    ... on Component { partNumber manufacturer onHold }
    ... on MaterialLot { partNumber supplier dateCode onHold }
    ... on WaferBatch { manufacturer fab onHold }
    ... on Box { sscc onHold }
    ... on Pallet { sscc onHold }
    ... on Shipment { destination }
  }
}`;

interface Hit {
  __typename: string;
  id: string;
  partNumber?: string;
  status?: string;
  manufacturer?: string;
  supplier?: string;
  dateCode?: string;
  fab?: string;
  sscc?: string;
  destination?: string;
  onHold?: boolean;
}

function detail(h: Hit): string {
  return [h.partNumber, h.status, h.manufacturer ?? h.supplier, h.dateCode && `DC ${h.dateCode}`, h.fab, h.sscc && `SSCC ${h.sscc}`, h.destination]
    .filter(Boolean)
    .join(' · ');
}

/** The scan-or-search box. */
export function Search({ autoFocus = false, placeholder = 'Scan or type a serial, IMEI, MAC, lot, SSCC, Digital Link…' }: { autoFocus?: boolean; placeholder?: string }) {
  const [code, setCode] = useState('');
  const [hits, setHits] = useState<Hit[] | null>(null);
  const [error, setError] = useState('');
  const [active, setActive] = useState(0);
  const [open, setOpen] = useState(false);
  const seq = useRef(0);

  useEffect(() => {
    const c = code.trim();
    if (!c) {
      setHits(null);
      return;
    }
    const mine = ++seq.current;
    const t = setTimeout(() => {
      gql<{ lookup: Hit[] }>(LOOKUP, { code: c }).then(
        (d) => {
          if (mine !== seq.current) return;
          setHits(d.lookup);
          setError('');
          setActive(0);
        },
        (e: Error) => {
          if (mine !== seq.current) return;
          setHits([]);
          setError(e.message);
        },
      );
    }, 150);
    return () => clearTimeout(t);
  }, [code]);

  const go = (h: Hit) => {
    setOpen(false);
    setCode('');
    navigate(nodePath(h.id));
  };

  return (
    <div className="search" onBlur={() => setTimeout(() => setOpen(false), 200)}>
      <input
        aria-label="Scan or search"
        type="search"
        value={code}
        autoFocus={autoFocus}
        placeholder={placeholder}
        onFocus={() => setOpen(true)}
        onChange={(e) => {
          setCode(e.target.value);
          setOpen(true);
        }}
        onKeyDown={(e) => {
          if (!hits?.length) return;
          if (e.key === 'ArrowDown') setActive((a) => Math.min(a + 1, hits.length - 1));
          else if (e.key === 'ArrowUp') setActive((a) => Math.max(a - 1, 0));
          else if (e.key === 'Enter') go(hits[active]);
          else return;
          e.preventDefault();
        }}
      />
      {open && hits && (
        <div className="results" role="listbox">
          {hits.length === 0 && <div className="none">{error || `Nothing found for “${code.trim()}”.`}</div>}
          {hits.map((h, i) => (
            <a
              key={h.id}
              href={nodePath(h.id)}
              role="option"
              className={i === active ? 'active' : ''}
              onMouseDown={(e) => {
                e.preventDefault();
                go(h);
              }}
            >
              <Kind typename={h.__typename} /> <b>{h.id.slice(h.id.indexOf(':') + 1)}</b>{' '}
              {h.onHold && <span className="held">HOLD</span>} <span className="muted">{detail(h)}</span>
            </a>
          ))}
        </div>
      )}
    </div>
  );
}
