import { useEffect, useState, type ReactNode } from 'react';
import { ApiError } from './api';
import { kindColor } from './genealogy/model';
import { nodePath, navigate } from './router';

/** The state of an asynchronous load. */
export interface Loaded<T> {
  data?: T;
  error?: ApiError | Error;
  loading: boolean;
}

/** Loads with fn whenever deps change; a newer load wins over an older one. */
export function useLoad<T>(fn: () => Promise<T>, deps: unknown[]): Loaded<T> & { reload: () => void } {
  const [state, setState] = useState<Loaded<T>>({ loading: true });
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let live = true;
    setState((s) => ({ ...s, loading: true }));
    fn().then(
      (data) => live && setState({ data, loading: false }),
      (error) => live && setState({ error, loading: false }),
    );
    return () => {
      live = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [...deps, tick]);
  return { ...state, reload: () => setTick((t) => t + 1) };
}

/** A link to a node's page, showing its key. */
export function NodeLink({ id, children }: { id: string; children?: ReactNode }) {
  return (
    <a
      href={nodePath(id)}
      onClick={(e) => {
        if (e.metaKey || e.ctrlKey) return;
        e.preventDefault();
        navigate(nodePath(id));
      }}
    >
      {children ?? id}
    </a>
  );
}

/** An in-app link. */
export function Link({ to, children }: { to: string; children: ReactNode }) {
  return (
    <a
      href={to}
      onClick={(e) => {
        if (e.metaKey || e.ctrlKey) return;
        e.preventDefault();
        navigate(to);
      }}
    >
      {children}
    </a>
  );
}

/** The badge of a node's kind, in its genealogy colour. */
export function Kind({ typename }: { typename: string }) {
  return (
    <span className="kind" style={{ background: kindColor(typename) }}>
      {typename}
    </span>
  );
}

/** An error box. */
export function ErrorBox({ error }: { error?: Error }) {
  if (!error) return null;
  const code = error instanceof ApiError ? `${error.code}: ` : '';
  return <div className="error">{code + error.message}</div>;
}

/** A date and time, short and in UTC. */
export function When({ at }: { at?: string | null }) {
  if (!at) return <span className="muted">—</span>;
  return <span title={at}>{at.replace('T', ' ').replace(/\.\d+Z$|Z$/, '')}</span>;
}

/** Triggers a browser download of blob as name. */
export function download(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
