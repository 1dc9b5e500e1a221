import { createGraphiQLFetcher } from '@graphiql/toolkit';
import { useEditorContext, type GraphiQLPlugin } from '@graphiql/react';
import { GraphiQL } from 'graphiql';
import 'graphiql/graphiql.css';
import { StrictMode, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { getToken, setToken } from '../api';

// GraphiQL itself, bundled: schema explorer (docs), autocomplete, history,
// plus two plugins of ours: the examples the server renders into the page
// (on --demo, queries on the demo factory's facts) and the bearer token,
// kept in sessionStorage and sent as the Authorization header.

/** An example query, as the server embeds it (server.Example). */
export interface Example {
  name: string;
  query: string;
  variables?: string;
}

function readExamples(): Example[] {
  try {
    return JSON.parse(document.getElementById('tracegraph-examples')?.textContent || '[]');
  } catch {
    return [];
  }
}

const examples = readExamples();

function ExamplesPanel() {
  const ed = useEditorContext({ nonNull: true });
  return (
    <div>
      <div className="graphiql-doc-explorer-title">Examples</div>
      <p style={{ fontSize: 13 }}>Click one to load it, then ▶. On --demo each answers on the demo factory.</p>
      <ul style={{ listStyle: 'none', padding: 0 }} data-testid="examples">
        {examples.map((ex) => (
          <li key={ex.name} style={{ margin: '6px 0' }}>
            <button
              className="graphiql-un-styled"
              style={{ textAlign: 'left', textDecoration: 'underline', cursor: 'pointer' }}
              onClick={() => {
                ed.queryEditor?.setValue(ex.query);
                ed.variableEditor?.setValue(ex.variables ?? '');
              }}
            >
              {ex.name}
            </button>
          </li>
        ))}
      </ul>
    </div>
  );
}

function TokenPanel() {
  const [token, setValue] = useState(getToken());
  const [saved, setSaved] = useState(false);
  return (
    <div>
      <div className="graphiql-doc-explorer-title">Token</div>
      <p style={{ fontSize: 13 }}>
        When the service requires tokens, paste a bearer token (a JWT). It is kept for this tab only (sessionStorage) and sent as
        <code> Authorization: Bearer …</code>.
      </p>
      <input
        aria-label="Bearer token"
        type="password"
        value={token}
        onChange={(e) => {
          setValue(e.target.value);
          setSaved(false);
        }}
        style={{ width: '100%', boxSizing: 'border-box', padding: 6 }}
      />
      <p>
        <button
          className="graphiql-button"
          onClick={() => {
            setToken(token.trim());
            setSaved(true);
          }}
        >
          Use this token
        </button>{' '}
        {saved && (token.trim() ? 'Saved.' : 'Forgotten.')}
      </p>
    </div>
  );
}

const icon = (text: string) => () => <span style={{ fontWeight: 700, fontSize: 13 }}>{text}</span>;

const plugins: GraphiQLPlugin[] = [
  { title: 'Examples', icon: icon('Ex'), content: ExamplesPanel },
  { title: 'Token', icon: icon('Tok'), content: TokenPanel },
];

const fetcher = createGraphiQLFetcher({
  url: '/graphql',
  // Subscriptions over the same origin's websocket.
  subscriptionUrl: `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/graphql`,
  fetch: (input, init) => {
    const headers = new Headers(init?.headers);
    const t = getToken();
    if (t && !headers.has('Authorization')) headers.set('Authorization', `Bearer ${t}`);
    return fetch(input, { ...init, headers });
  },
});

createRoot(document.getElementById('graphiql')!).render(
  <StrictMode>
    <GraphiQL
      fetcher={fetcher}
      plugins={plugins}
      visiblePlugin={plugins[0]}
      defaultQuery={examples[0]?.query ?? '{ stats { events } }'}
      defaultEditorToolsVisibility={false}
    />
  </StrictMode>,
);
