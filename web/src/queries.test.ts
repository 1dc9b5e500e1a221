import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildSchema, parse, validate } from 'graphql';
import { describe, expect, it } from 'vitest';
import { LOOKUP } from './Search';
import { TRACE } from './genealogy/Genealogy';
import { NODE } from './pages/NodePage';
import { RECENT } from './pages/Home';
import { WHERE_USED } from './pages/WhereUsed';
import { CONTAIN, RELEASE, REPORT, unitsQuery } from './recall/queries';

// Every operation the explorer sends is valid against the service's schema
// (graph/schema/*.graphqls), so a schema change that breaks a page fails here.

const dir = join(__dirname, '..', '..', 'graph', 'schema');
const schema = buildSchema(
  readdirSync(dir)
    .filter((f) => f.endsWith('.graphqls'))
    .sort()
    .map((f) => readFileSync(join(dir, f), 'utf8'))
    .join('\n'),
);

const ops: [string, string][] = [
  ['lookup', LOOKUP], ['genealogy', TRACE], ['node page', NODE], ['home', RECENT], ['where used', WHERE_USED],
  ['recall report', REPORT], ['contain', CONTAIN], ['release', RELEASE],
  ['confirmed units with evidence', unitsQuery('confirmed', true)], ['possible units for the spreadsheet', unitsQuery('possible', false)],
];

describe('the operations of the explorer', () => {
  it.each(ops)('%s is valid against the schema', (_, op) => {
    expect(validate(schema, parse(op)).map((e) => e.message)).toEqual([]);
  });
});
