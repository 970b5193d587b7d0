import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { formatMapError, type MapError } from './errors';
import { loadCatalog, loadMapFile, parseMapText } from './loader';

const valid = {
  name: 'things',
  version: '1.0.0',
  publisher: 'test',
  scope: 'global',
  finops: { entitySet: 'Things', key: ['Code'] },
  dataverse: { entitySet: 'things', key: ['code'] },
  columns: [{ finops: 'Code', dataverse: 'code', direction: '<->' }],
};

function errorsOf(data: unknown): MapError[] {
  return parseMapText(JSON.stringify(data, null, 2), 'things.json').errors;
}

describe('loader: bad map files get every error, each with file, path, expected and a hint', () => {
  const cases: { title: string; data: unknown; expected: { path: string; code: string; message?: RegExp; hint?: RegExp }[] }[] = [
    {
      title: 'wrong values, a typo in a property name, a missing property',
      data: { ...valid, name: 'Things Map', version: '1', scope: 'compnay', finops: { entitySet: 'Things', key: ['Code'], filtre: "a eq 'b'" }, publisher: undefined },
      expected: [
        { path: '$.name', code: 'invalid-format' },
        { path: '$.version', code: 'invalid-format' },
        { path: '$.publisher', code: 'missing' },
        { path: '$.scope', code: 'invalid-value', hint: /did you mean 'company'/ },
        { path: '$.finops.filtre', code: 'unknown-property', hint: /did you mean 'filter'/ },
      ],
    },
    {
      title: 'bad column directions and types, plus filter and expression syntax in the same run',
      data: {
        ...valid,
        dataverse: { ...valid.dataverse, filter: "code eq 'x" },
        columns: [
          { finops: 'Code', dataverse: 'code', direction: '=>' },
          { finops: 3, dataverse: 'name', direction: '<->' },
          { finops: 'Name', dataverse: 'name', direction: '<->', toDataverse: 'upper(Name' },
        ],
      },
      expected: [
        { path: '$.columns[0].direction', code: 'invalid-value', hint: /did you mean '->'/ },
        { path: '$.columns[1].finops', code: 'invalid-type' },
        { path: '$.dataverse.filter', code: 'filter-syntax', message: /unterminated string literal.* at character 9 of/ },
        { path: '$.columns[2].toDataverse', code: 'expression-syntax', message: /expected '\)' to close upper\(/ },
      ],
    },
    {
      title: 'semantic problems of a well-formed map',
      data: {
        ...valid,
        scope: 'company',
        finops: { entitySet: 'Things', key: ['Code', 'Line'] },
        columns: [
          { finops: 'Code', dataverse: 'code', direction: '<->' },
          { dataverse: 'typecode', direction: '->' },
          { finops: 'Name', direction: '<->' },
          { finops: 'dataAreaId', dataverse: 'companycode', direction: '->' },
          { finops: 'Kind', dataverse: 'kindcode', direction: '<->', valueMap: { A: 1, B: 1 } },
          { finops: 'Other', dataverse: 'code', direction: '->' },
          { finops: 'Group', dataverse: 'groupid', direction: '<->', lookup: { map: 'groups' }, toDataverse: 'upper(Group)' },
        ],
      },
      expected: [
        { path: '$.columns[1]', code: 'no-source' },
        { path: '$.columns[2].direction', code: 'one-sided-bidirectional' },
        { path: '$.columns[3]', code: 'company-column-mapped', hint: /implicitly/ },
        { path: '$.columns[4].valueMap.B', code: 'value-map-ambiguous' },
        { path: '$.columns[5].dataverse', code: 'duplicate-target' },
        { path: '$.columns[6].lookup', code: 'lookup-with-transform' },
        { path: '$.dataverse.key', code: 'key-mismatch' },
        { path: '$.finops.key[1]', code: 'key-not-mapped' },
      ],
    },
  ];
  for (const c of cases) {
    it(c.title, () => {
      const errors = errorsOf(c.data);
      const got = errors.map((e) => `${e.path} ${e.code}`).sort();
      assert.deepEqual(got, c.expected.map((e) => `${e.path} ${e.code}`).sort());
      for (const e of errors) {
        assert.equal(e.file, 'things.json');
        assert.ok(e.expected.length > 0, `expected is set for ${e.path}`);
        assert.ok(e.message.length > 0);
        assert.doesNotMatch(formatMapError(e), /\n\s+at /, 'no stack trace');
      }
      for (const x of c.expected) {
        const e = errors.find((y) => y.path === x.path && y.code === x.code);
        if (x.message) assert.match(e?.message ?? '', x.message);
        if (x.hint) assert.match(e?.hint ?? '', x.hint);
      }
    });
  }

  it('schema errors point at the line and column of the offending value', () => {
    const text = ['{', '  "name": "things",', '  "version": "1.0.0",', '  "publisher": "test",', '  "scope": "global",', '  "finops": { "entitySet": "Things", "key": ["Code"] },', '  "dataverse": { "entitySet": "things", "key": ["code"], "filtre": "x" },', '  "columns": [', '    { "finops": "Code", "dataverse": "code", "direction": "=>" }', '  ]', '}'].join('\n');
    const { errors } = parseMapText(text, 'things.json');
    assert.deepEqual(errors.map((e) => `${e.path} ${e.line}:${e.column}`).sort(), ['$.columns[0].direction 9:59', '$.dataverse.filtre 7:58']);
  });

  it('JSON syntax errors give line and column', () => {
    const { errors } = parseMapText('{\n  "name": "x",\n  "version": "1.0.0",\n}\n', 'x.json');
    assert.equal(errors.length, 1);
    assert.deepEqual({ line: errors[0]?.line, column: errors[0]?.column, code: errors[0]?.code }, { line: 4, column: 1, code: 'json-syntax' });
    assert.match(errors[0]?.hint ?? '', /trailing commas/);
    assert.match(formatMapError(errors[0] as MapError), /^x\.json:4:1 \$: invalid JSON/);
  });

  it('an empty file and a non-object are explained', () => {
    assert.match(parseMapText('', 'e.json').errors[0]?.message ?? '', /empty/);
    assert.match(parseMapText('[1]', 'l.json').errors[0]?.message ?? '', /a list/);
  });

  it('a valid map loads with no errors', () => {
    const { map, errors } = parseMapText(JSON.stringify(valid));
    assert.deepEqual(errors, []);
    assert.equal(map?.name, 'things');
  });
});

describe('loader: files and folders', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'dualwrite-maps-'));
    mkdirSync(join(dir, 'catalog'));
    writeFileSync(join(dir, 'catalog', 'a.json'), JSON.stringify(valid));
    writeFileSync(join(dir, 'catalog', 'b.json'), JSON.stringify(valid));
    writeFileSync(join(dir, 'catalog', 'c.json'), '{ not json');
    writeFileSync(join(dir, 'catalog', 'schema.json'), '{}');
    writeFileSync(join(dir, 'catalog', 'notes.txt'), 'ignored');
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('a missing file is an error, not an exception', () => {
    const { errors } = loadMapFile(join(dir, 'nope.json'));
    assert.equal(errors[0]?.code, 'unreadable');
    assert.match(errors[0]?.message ?? '', /file not found/);
  });

  it('a folder loads every map file except schema.json, and reports duplicates and broken files', () => {
    const { maps, errors, files } = loadCatalog(join(dir, 'catalog'));
    assert.deepEqual(maps.map((m) => m.name), ['things']);
    assert.equal(files.get('things'), join(dir, 'catalog', 'a.json'));
    assert.deepEqual(errors.map((e) => `${e.file?.replace(dir, '')} ${e.code}`).sort(), ['/catalog/b.json duplicate-map', '/catalog/c.json json-syntax']);
  });
});
