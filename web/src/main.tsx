import { StrictMode, useEffect, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { getToken, onUnauthenticated, setToken } from './api';
import { Home } from './pages/Home';
import { NodePage } from './pages/NodePage';
import { RecallPage } from './pages/Recall';
import { WhereUsedPage } from './pages/WhereUsed';
import { useLocation } from './router';
import { Search } from './Search';
import { Link } from './ui';
import './styles.css';

/** Asks for a bearer token when the service answers UNAUTHENTICATED; keeps it in sessionStorage. */
function TokenBar() {
  const [asked, setAsked] = useState(false);
  const [value, setValue] = useState('');
  useEffect(() => onUnauthenticated(() => setAsked(true)), []);
  if (!asked) {
    return getToken() ? (
      <button onClick={() => { setToken(''); location.reload(); }} title="Forget the token of this tab">Sign out</button>
    ) : null;
  }
  return (
    <form
      className="actions"
      onSubmit={(e) => {
        e.preventDefault();
        setToken(value.trim());
        location.reload();
      }}
    >
      <input aria-label="Bearer token" placeholder="This service needs a token: paste it" value={value} onChange={(e) => setValue(e.target.value)} type="password" />
      <button className="primary">Use token</button>
    </form>
  );
}

function App() {
  const { path, query } = useLocation();
  let page;
  if (path.startsWith('/node/')) page = <NodePage id={decodeURIComponent(path.slice('/node/'.length))} />;
  else if (path === '/recall') page = <RecallPage query={query} />;
  else if (path === '/where-used') page = <WhereUsedPage query={query} />;
  else page = <Home />;
  return (
    <>
      <header className="top">
        <Link to="/"><span className="brand">tracegraph</span></Link>
        {path !== '/' && <Search />}
        <nav>
          <Link to="/recall">Recall</Link>
          <Link to="/where-used">Where used</Link>
          <a href="/graphiql">GraphiQL</a>
        </nav>
        <span className="spacer" />
        <TokenBar />
      </header>
      <main key={path}>{page}</main>
    </>
  );
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
