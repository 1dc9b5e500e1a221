// The GraphQL client of the explorer: the same API any client uses. A token,
// when the service asks for one, is kept in sessionStorage only.

const TOKEN_KEY = 'tracegraph.token';

/** The bearer token of this tab, if one was given. */
export function getToken(): string {
  try {
    return sessionStorage.getItem(TOKEN_KEY) ?? '';
  } catch {
    return '';
  }
}

/** Keeps (or with '' forgets) the bearer token for this tab. */
export function setToken(token: string): void {
  try {
    if (token) sessionStorage.setItem(TOKEN_KEY, token);
    else sessionStorage.removeItem(TOKEN_KEY);
  } catch {
    /* storage unavailable: the token lives for this request only */
  }
}

/** The headers of an API request: JSON and, when given, the token. */
export function authHeaders(): Record<string, string> {
  const h: Record<string, string> = { 'Content-Type': 'application/json' };
  const t = getToken();
  if (t) h.Authorization = `Bearer ${t}`;
  return h;
}

/** An error of a GraphQL answer, with its extensions.code. */
export class ApiError extends Error {
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
  }
}

type Listener = () => void;
const authListeners = new Set<Listener>();

/** Calls fn whenever the service answers UNAUTHENTICATED. */
export function onUnauthenticated(fn: Listener): () => void {
  authListeners.add(fn);
  return () => authListeners.delete(fn);
}

/** Runs a GraphQL operation and returns its data, or throws its first error. */
export async function gql<T>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const res = await fetch('/graphql', {
    method: 'POST',
    headers: authHeaders(),
    body: JSON.stringify({ query, variables }),
  });
  let body: { data?: T; errors?: { message: string; extensions?: { code?: string } }[] };
  try {
    body = await res.json();
  } catch {
    throw new ApiError(`the service answered ${res.status} ${res.statusText}`, 'INTERNAL');
  }
  if (res.status === 401 || body.errors?.some((e) => e.extensions?.code === 'UNAUTHENTICATED')) {
    authListeners.forEach((fn) => fn());
  }
  if (body.errors?.length) {
    const e = body.errors[0];
    throw new ApiError(e.message, e.extensions?.code ?? 'INTERNAL');
  }
  if (!body.data) throw new ApiError(`the service answered ${res.status} without data`, 'INTERNAL');
  return body.data;
}

/** The key of a global ID (Unit:SN1 → SN1) and its label (Unit). */
export function splitId(id: string): { label: string; key: string } {
  const i = id.indexOf(':');
  return i < 0 ? { label: '', key: id } : { label: id.slice(0, i), key: id.slice(i + 1) };
}
