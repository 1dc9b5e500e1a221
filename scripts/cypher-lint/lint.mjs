#!/usr/bin/env node
// Lints Cypher files with Neo4j's own parser and semantic analysis
// (@neo4j-cypher/language-support), against tracegraph's schema: the labels,
// relationship types, property keys and parameters in cypher/lint-schema.json
// (generated from the domain's constants by go generate ./cypher).
//
// Usage: node lint.mjs [--schema FILE] [FILE...]
// Without files it lints every cypher/*.cypher of the repository. Every
// diagnostic counts: errors (syntax, unknown parameter, function or
// procedure) and warnings (unknown label, relationship type or property
// key). Each is printed as file:line:col: severity: message, and the exit
// status is 1 if there is any, 2 on a usage error.
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { lintCypherQuery, testData } from '@neo4j-cypher/language-support';

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, '..', '..');
const version = 'CYPHER 5';

/** builtIns returns Neo4j's built-in functions and db./dbms. procedures, so
 * that a misspelt function or procedure is an error too. The package ships
 * them in its test data (signatures of a Neo4j 5 server). */
function builtIns() {
  const ms = testData.mockSchema;
  const pick = (reg, keep) =>
    Object.fromEntries(Object.entries(reg[version] ?? {}).filter(([name, v]) => keep(name, v)));
  return {
    functions: { [version]: pick(ms.functions, (_, f) => f.isBuiltIn) },
    procedures: { [version]: pick(ms.procedures, (name) => name.startsWith('db.') || name.startsWith('dbms.')) },
  };
}

/** loadSchema reads the generated lint schema and adds the built-ins. */
export function loadSchema(file = join(repo, 'cypher', 'lint-schema.json')) {
  const s = JSON.parse(readFileSync(file, 'utf8'));
  return { ...s, ...builtIns(), defaultLanguage: version };
}

const severities = { 1: 'error', 2: 'warning', 3: 'info', 4: 'hint' };

/** lintText returns the diagnostics of one query as {line, col, severity,
 * message}, lines and columns counted from 1. */
export function lintText(text, schema) {
  const { diagnostics } = lintCypherQuery(text, schema);
  return diagnostics.map((d) => ({
    line: d.range.start.line + 1,
    col: d.range.start.character + 1,
    severity: severities[d.severity] ?? String(d.severity),
    message: d.message,
  }));
}

/** lintFiles lints each file and returns the printed lines of the problems. */
export function lintFiles(files, schema) {
  const out = [];
  for (const f of files) {
    const text = readFileSync(f, 'utf8');
    if (text.trim() === '') {
      out.push(`${relative(process.cwd(), f)}:1:1: error: empty file`);
      continue;
    }
    for (const d of lintText(text, schema)) {
      out.push(`${relative(process.cwd(), f)}:${d.line}:${d.col}: ${d.severity}: ${d.message}`);
    }
  }
  return out;
}

function main(argv) {
  let schemaFile;
  const files = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--schema') {
      schemaFile = argv[++i];
      if (!schemaFile) {
        console.error('usage: node lint.mjs [--schema FILE] [FILE...]');
        return 2;
      }
    } else if (argv[i].startsWith('-')) {
      console.error(`unknown flag ${argv[i]}\nusage: node lint.mjs [--schema FILE] [FILE...]`);
      return 2;
    } else {
      files.push(argv[i]);
    }
  }
  if (files.length === 0) {
    const dir = join(repo, 'cypher');
    for (const name of readdirSync(dir).sort()) {
      if (name.endsWith('.cypher')) files.push(join(dir, name));
    }
  }
  if (files.length === 0) {
    console.error('no .cypher files to lint');
    return 1;
  }
  const problems = lintFiles(files, loadSchema(schemaFile));
  for (const p of problems) console.log(p);
  if (problems.length > 0) {
    console.log(`cypher-lint: ${problems.length} problem(s) in ${files.length} file(s)`);
    return 1;
  }
  console.log(`cypher-lint: ${files.length} file(s) clean`);
  return 0;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = main(process.argv.slice(2));
}
