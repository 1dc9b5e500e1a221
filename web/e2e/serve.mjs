// Starts the real tracegraph binary for the end-to-end tests: a generated
// factory of `units` units imported into a fresh data directory, served on
// a free port with `args` added to serve. Not a test file itself.
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

function freePort() {
  return new Promise((ok, fail) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => ok(port));
    });
    s.on('error', fail);
  });
}

// serveFactory returns { base, facts, stop }: the service's URL, the
// factory's known facts (tracegraph generate --summary) and a function that
// stops the service and removes its data.
export async function serveFactory(bin, units, args = []) {
  const dir = mkdtempSync(join(tmpdir(), 'tracegraph-e2e-'));
  const events = join(dir, 'factory.ndjson');
  execFileSync('sh', ['-c', `"${bin}" generate --units ${units} --summary > "${events}" 2> "${dir}/summary.json"`]);
  const facts = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8')).facts;
  execFileSync(bin, ['import', '--bulk', '--data', join(dir, 'data'), events], { stdio: 'ignore' });
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const server = spawn(bin, ['serve', '--data', join(dir, 'data'), '--addr', `127.0.0.1:${port}`, ...args.map((a) => a.replaceAll('{base}', base))], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const stop = () => {
    server.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  };
  for (let i = 0; ; i++) {
    try {
      if ((await fetch(`${base}/readyz`)).ok) break;
    } catch {
      /* not listening yet */
    }
    if (i > 200) {
      stop();
      throw new Error('tracegraph serve did not become ready');
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { base, facts, stop };
}
