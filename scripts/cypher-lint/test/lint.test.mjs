// Tests of lint.mjs: run as the CI runs it, on files with known problems.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const lint = join(dirname(fileURLToPath(import.meta.url)), '..', 'lint.mjs');
const dir = mkdtempSync(join(tmpdir(), 'cypher-lint-'));

function run(name, text) {
  const f = join(dir, name);
  writeFileSync(f, text);
  return spawnSync(process.execPath, [lint, f], { encoding: 'utf8' });
}

test('a good query passes', () => {
  const r = run('good.cypher', 'MATCH (n:Node {id: $id})-[r:CONTAINS]->(m:Unit)\nRETURN m.id AS id, r.eid AS eid\n');
  assert.equal(r.status, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /1 file\(s\) clean/);
});

const bad = [
  ['syntax error', 'MATCH (n:Node {id: $id}\nRETURN n\n', /:2:1: error: Invalid input 'RETURN'/],
  ['misspelt keyword', 'MATCH (n:Node) RETRUN n\n', /error: Invalid input 'RETRUN'/],
  ['unknown label', 'MATCH (n:Nod {id: $id}) RETURN n\n', /:1:10: warning: Label Nod is not present/],
  ['unknown relationship type', 'MATCH (n:Node)-[r:CONTAIN]->() RETURN r\n', /warning: Relationship type CONTAIN is not present/],
  ['unknown property key', 'MATCH (n:Node) RETURN n.partNumbr\n', /warning: partNumbr is not present/],
  ['undeclared parameter', 'MATCH (n:Node {id: $idd}) RETURN n\n', /error: Parameter \$idd is not defined/],
  ['misspelt function', 'MATCH (n:Node) RETURN toLowr(n.id)\n', /error: Function toLowr is not present/],
  ['undefined variable', 'MATCH (n:Node) RETURN m\n', /error: Variable `m` not defined/],
  ['empty file', '\n', /error: empty file/],
];

for (const [what, text, want] of bad) {
  test(`a query with ${what} fails`, () => {
    const r = run(what.replaceAll(' ', '_') + '.cypher', text);
    assert.equal(r.status, 1, `exit status ${r.status}; output:\n${r.stdout}${r.stderr}`);
    assert.match(r.stdout, want);
    assert.match(r.stdout, /\.cypher:\d+:\d+: /);
  });
}

// The repository's own files are linted by .ci/lint-cypher (node lint.mjs).
