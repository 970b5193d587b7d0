import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { formatMapError, loadMapPaths, validateCatalog, type MapError } from '../../src/maps';
import { STANDARD_CATALOG_DIR } from '../../src/maps/catalog';
import { DATAVERSE_ENTITY_SETS } from '../../src/sandbox/dataverse/entities';
import { FINOPS_ENTITY_SETS } from '../../src/sandbox/finops/entities';

/**
 * Malformed map files fed to `dualwrite maps validate`, beyond what src/maps/*.test.ts covers
 * (those check a few combined cases in memory): one file per fault, each of which must give an
 * error naming the file, the JSON path and what was expected, exit code 1, no stack trace.
 */
const base = {
  name: 'fault-currencies',
  version: '1.0.0',
  publisher: 'faults',
  scope: 'global',
  finops: { entitySet: 'Currencies', key: ['CurrencyCode'] },
  dataverse: { entitySet: 'transactioncurrencies', key: ['isocurrencycode'] },
  columns: [
    { finops: 'CurrencyCode', dataverse: 'isocurrencycode', direction: '<->' },
    { finops: 'Name', dataverse: 'currencyname', direction: '<->', toFinops: 'truncate(currencyname, 60)' },
  ],
};
type Map = typeof base & Record<string, unknown>;
const withMap = (change: (m: Map) => void) => (n: number): string => {
  const m = structuredClone(base) as Map;
  m.name = `fault-${n}`;
  change(m);
  return JSON.stringify(m, null, 2);
};
const column = (i: number, patch: Record<string, unknown>) => withMap((m) => Object.assign(m.columns[i]!, patch));

/** [what is wrong, file text (given a unique number for the map name), JSON path the error must name]. */
const CASES: [string, (n: number) => string, RegExp][] = [
  // File level
  ['an empty file', () => '', /^\$$/],
  ['only whitespace and a BOM', () => '\uFEFF  \n ', /^\$$/],
  ['truncated JSON', (n) => withMap(() => undefined)(n).slice(0, 40), /^\$/],
  ['a trailing comma', (n) => withMap(() => undefined)(n).replace(/\n}$/, ',\n}'), /^\$/],
  ['comments in JSON', (n) => `// my map\n${withMap(() => undefined)(n)}`, /^\$/],
  ['a JSON array instead of an object', () => '[]', /^\$$/],
  ['a JSON string', () => '"a map"', /^\$$/],
  ['binary garbage', () => '\u0000\u0001\u0002PK\u0003\u0004', /^\$/],
  // Top-level properties
  ['no name', withMap((m) => delete (m as Partial<Map>).name), /^\$\.name$/],
  ['a name with spaces and capitals', withMap((m) => (m.name = 'My Map')), /^\$\.name$/],
  ['a version that is not semver', withMap((m) => (m.version = 'v1')), /^\$\.version$/],
  ['an empty publisher', withMap((m) => (m.publisher = '')), /^\$\.publisher$/],
  ['an unknown scope', withMap((m) => (m.scope = 'tenant')), /^\$\.scope$/],
  ['an unknown top-level property', withMap((m) => (m.colums = [])), /^\$\.colums$/],
  ['no columns', withMap((m) => (m.columns = [])), /^\$\.columns/],
  ['columns as an object', withMap((m) => ((m as Record<string, unknown>).columns = { a: 1 })), /^\$\.columns$/],
  ['no finops side', withMap((m) => delete (m as Partial<Map>).finops), /^\$\.finops$/],
  ['an empty key', withMap((m) => (m.finops.key = [])), /^\$\.finops\.key/],
  ['a key that is a string', withMap((m) => ((m.dataverse as Record<string, unknown>).key = 'isocurrencycode')), /^\$\.dataverse\.key$/],
  ['an unknown F&O entity set', withMap((m) => (m.finops.entitySet = 'Currency')), /^\$\.finops\.entitySet$/],
  ['an unknown Dataverse entity set', withMap((m) => (m.dataverse.entitySet = 'currencies')), /^\$\.dataverse\.entitySet$/],
  ['dependsOn a map that does not exist', withMap((m) => (m.dependsOn = ['no-such-map'])), /^\$\.dependsOn/],
  ['a conflict policy that does not exist', withMap((m) => (m.conflict = { policy: 'firstWriterWins', master: 'finops' })), /^\$\.conflict\.policy$/],
  ['deletes with an unknown value', withMap((m) => (m.deletes = 'cascade')), /^\$\.deletes$/],
  // Columns
  ['a column direction that does not exist', column(1, { direction: '<=>' }), /^\$\.columns\[1\]\.direction$/],
  ['a column with neither side', column(1, { finops: undefined, dataverse: undefined }), /^\$\.columns\[1\]/],
  ['a column F&O does not have', column(1, { finops: 'CurrencyName' }), /^\$\.columns\[1\]\.finops$/],
  ['a column Dataverse does not have', column(1, { dataverse: 'name' }), /^\$\.columns\[1\]\.dataverse$/],
  ['a lookup to an unknown map', column(1, { lookup: { map: 'no-such-map' }, toFinops: undefined }), /^\$\.columns\[1\]\.lookup/],
  ['a valueMap that is a list', column(1, { valueMap: ['a', 'b'] }), /^\$\.columns\[1\]\.valueMap$/],
  // Filters
  ['a filter with an unterminated string', withMap((m) => ((m.finops as Record<string, unknown>).filter = "CurrencyCode eq 'EUR")), /^\$\.finops\.filter$/],
  ['a filter with an unknown operator', withMap((m) => ((m.finops as Record<string, unknown>).filter = "CurrencyCode == 'EUR'")), /^\$\.finops\.filter$/],
  ['a filter with unbalanced parentheses', withMap((m) => ((m.dataverse as Record<string, unknown>).filter = "(isocurrencycode eq 'EUR'")), /^\$\.dataverse\.filter$/],
  ['a filter on a column the set lacks', withMap((m) => ((m.finops as Record<string, unknown>).filter = "Colour eq 'red'")), /^\$\.finops\.filter$/],
  ['a filter that is a number', withMap((m) => ((m.finops as Record<string, unknown>).filter = 42)), /^\$\.finops\.filter$/],
  // Expressions
  ['an expression with an unclosed call', column(1, { toFinops: 'truncate(currencyname, 60' }), /^\$\.columns\[1\]\.toFinops$/],
  ['an expression calling an unknown function', column(1, { toFinops: 'shorten(currencyname, 60)' }), /^\$\.columns\[1\]\.toFinops$/],
  ['an expression with the wrong number of arguments', column(1, { toFinops: 'truncate(currencyname)' }), /^\$\.columns\[1\]\.toFinops$/],
  ['an expression with a dangling operator', column(1, { toDataverse: 'Name +' }), /^\$\.columns\[1\]\.toDataverse$/],
  ['an expression that is an object', column(1, { toDataverse: { upper: 'Name' } }), /^\$\.columns\[1\]\.toDataverse$/],
];

describe('bad map files: every one explained with file, path and expectation', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dualwrite-bad-maps-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const files = CASES.map(([what, text], n) => {
    const file = join(dir, `case-${String(n).padStart(2, '0')}.json`);
    writeFileSync(file, text(n));
    return { what, file, path: CASES[n]![2] };
  });
  const schemas = [...FINOPS_ENTITY_SETS, ...DATAVERSE_ENTITY_SETS];
  const context = loadMapPaths([STANDARD_CATALOG_DIR]).maps;

  it('the unbroken base map is valid (so each case fails for its own fault)', () => {
    const file = join(dir, 'base.json');
    writeFileSync(file, JSON.stringify(base));
    const loaded = loadMapPaths([file]);
    assert.deepEqual([...loaded.errors, ...validateCatalog([...loaded.maps, ...context], schemas, { files: loaded.files }).filter((e) => e.map === base.name)].map(formatMapError), []);
    rmSync(file);
  });

  it(`${CASES.length} malformed files each give a located, explained error`, () => {
    assert.ok(CASES.length >= 30);
    const failures: string[] = [];
    for (const c of files) {
      const loaded = loadMapPaths([c.file]);
      const names = new Set(loaded.maps.map((m) => m.name));
      const errors: MapError[] = [...loaded.errors, ...validateCatalog([...loaded.maps, ...context.filter((m) => !names.has(m.name))], schemas, { files: loaded.files }).filter((e) => e.map === undefined || names.has(e.map))];
      const located = errors.filter((e) => e.file === c.file && c.path.test(e.path));
      if (located.length === 0) failures.push(`${c.what}: no error at ${String(c.path)}; got ${JSON.stringify(errors.map((e) => [e.file === c.file, e.path, e.code]))}`);
      for (const e of errors) {
        if (!e.expected || !e.message) failures.push(`${c.what}: error at ${e.path} lacks message or expectation`);
        if (/\n\s+at /.test(formatMapError(e))) failures.push(`${c.what}: stack trace in ${formatMapError(e)}`);
      }
    }
    assert.deepEqual(failures, []);
  });

  it('the CLI exits 1 on each file, names it with path and expectation, and prints no stack trace', async () => {
    const main = resolve(__dirname, '../../src/cli/main.ts');
    // One process for all files (every file must be reported), then one per file for the exit codes of a sample.
    const all = await cli(main, files.map((f) => f.file));
    assert.equal(all.code, 1, all.stderr);
    assert.doesNotMatch(all.stderr + all.stdout, /\n\s+at \S+ \(/, 'no stack trace');
    for (const c of files) {
      // A message may quote the offending text, newlines included: match across lines.
      const entry = new RegExp(`^${c.file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(:\\d+:\\d+)? \\$[^ ]*: [\\s\\S]*?\\(expected [^)]+\\)`, 'm');
      assert.match(all.stderr, entry, `${c.what}: an error naming ${c.file}, a path and an expectation`);
    }
    for (const c of [files[0]!, files[10]!, files[30]!]) {
      const one = await cli(main, [c.file]);
      assert.equal(one.code, 1, `${c.what}: ${one.stderr}`);
      assert.match(one.stderr, /problem\(s\) in/);
    }
  });
});

const execFileAsync = promisify(execFile);
async function cli(main: string, paths: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await execFileAsync(process.execPath, ['--import', 'tsx', main, 'maps', 'validate', ...paths], { cwd: resolve(__dirname, '../..') });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}
