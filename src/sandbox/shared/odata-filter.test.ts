import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { EntitySetSchema } from '../../schema/entity-schema';
import { EntityStore } from './entity-store';
import { compileFilter, ODataQueryError, parseFilter, parseKeyPredicate, parseOrderBy, parseSelect } from './odata-filter';

const people: EntitySetSchema = {
  system: 'finops',
  entitySet: 'People',
  entityType: 'Person',
  primaryKey: ['dataAreaId', 'Id'],
  companySpecific: true,
  companyColumn: 'dataAreaId',
  columns: [
    { name: 'dataAreaId', type: 'string', maxLength: 4 },
    { name: 'Id', type: 'string', maxLength: 10 },
    { name: 'Name', type: 'string', maxLength: 60 },
    { name: 'Age', type: 'int' },
    { name: 'Credit', type: 'decimal' },
    { name: 'Active', type: 'bool' },
    { name: 'Born', type: 'datetime' },
    { name: 'Ref', type: 'guid' },
    { name: 'Gender', type: 'enum', enumSymbols: ['Unknown', 'Male', 'Female'] },
  ],
};

describe('odata-filter', () => {
  let store: EntityStore;
  const ids = (filter: string, star = false) =>
    store
      .query('People', { filter, starWildcardEquals: star })
      .rows.map((r) => r.Id)
      .join(',');

  before(() => {
    store = new EntityStore({ file: ':memory:', schemas: [people] });
    const rows = [
      { dataAreaId: 'usmf', Id: 'A', Name: "O'Brien Retail", Age: 30, Credit: 100.5, Active: true, Born: '1990-01-01T00:00:00Z', Ref: '11111111-1111-1111-1111-111111111111', Gender: 'Male' },
      { dataAreaId: 'usmf', Id: 'B', Name: 'Contoso', Age: 45, Credit: 0, Active: false, Born: '1979-06-30T12:00:00Z', Ref: null, Gender: 'Female' },
      { dataAreaId: 'usrt', Id: 'C', Name: 'retail 50%_off', Age: null, Credit: 2000, Active: true, Born: null, Ref: null, Gender: 'Unknown' },
    ];
    for (const r of rows) store.insert('People', r);
  });
  after(() => store.close());

  test('comparisons, logic, grouping and precedence', () => {
    assert.equal(ids("dataAreaId eq 'usmf'"), 'A,B');
    assert.equal(ids('Age gt 30'), 'B');
    assert.equal(ids('Age ge 30 and Credit lt 50'), 'B');
    assert.equal(ids("Age le 30 or dataAreaId eq 'usrt'"), 'A,C');
    assert.equal(ids("not (dataAreaId eq 'usmf') "), 'C');
    assert.equal(ids("Id eq 'A' or Id eq 'B' and Age eq 99"), 'A', 'and binds tighter than or');
    assert.equal(ids("(Id eq 'A' or Id eq 'B') and Age eq 45"), 'B');
  });

  test('literals: string escaping, bool, null, datetime, guid, enum, decimal', () => {
    assert.equal(ids("Name eq 'O''Brien Retail'"), 'A');
    assert.equal(ids("Name eq 'contoso'"), 'B', 'string comparison is case-insensitive');
    assert.equal(ids('Active eq true'), 'A,C');
    assert.equal(ids('Active'), 'A,C');
    assert.equal(ids('Age eq null'), 'C');
    assert.equal(ids('Age ne null'), 'A,B');
    assert.equal(ids('Age ne 30'), 'B,C', 'ne includes nulls, as OData defines');
    assert.equal(ids('Born gt 1985-01-01T00:00:00Z'), 'A');
    assert.equal(ids("Born lt datetime'1985-01-01T00:00:00'"), 'B');
    assert.equal(ids('Ref eq 11111111-1111-1111-1111-111111111111'), 'A');
    assert.equal(ids("Gender eq Microsoft.Dynamics.DataEntities.Gender'Female'"), 'B');
    assert.equal(ids("Gender ne 'Female'"), 'A,C');
    assert.equal(ids('Credit eq 100.5'), 'A');
    assert.equal(ids('Credit ge 2e3'), 'C');
  });

  test('string functions escape LIKE wildcards', () => {
    assert.equal(ids("contains(Name,'retail')"), 'A,C');
    assert.equal(ids("contains(Name,'50%_')"), 'C');
    assert.equal(ids("contains(Name,'0%x')"), '');
    assert.equal(ids("startswith(Name,'con')"), 'B');
    assert.equal(ids("endswith(Name,'off')"), 'C');
    assert.equal(ids("tolower(Name) eq 'contoso'"), 'B');
    assert.equal(ids("not contains(Name,'retail')"), 'B');
  });

  test("F&O's eq '*x*' wildcard form only when enabled", () => {
    assert.equal(ids("Name eq '*retail*'", true), 'A,C');
    assert.equal(ids("Name eq '*retail*'", false), '');
  });

  test('values are parameters, never spliced into SQL', () => {
    const { sql, params } = compileFilter("Name eq 'x'' OR 1=1 --'", { entitySet: 'People', columns: people.columns });
    assert.equal(sql, '"Name" = ?');
    assert.deepEqual(params, ["x' OR 1=1 --"]);
  });

  test('unknown columns are a 400 naming the column, with a case hint', () => {
    assert.throws(() => ids("Nmae eq 'x'"), (e: ODataQueryError) => e.status === 400 && /'Nmae'/.test(e.message) && /People/.test(e.message));
    assert.throws(() => ids("name eq 'x'"), /did you mean 'Name'/);
  });

  test('syntax and type errors are clear 400s', () => {
    const cases: [string, RegExp][] = [
      ['', /empty/],
      ["Name eq 'open", /unterminated/],
      ['Name eq', /position 8.*expected a property or a value/],
      ["Name eq 'a' Age eq 1", /missing 'and'/],
      ['(Age eq 1', /expected '\)'/],
      ["Age eq 'thirty'", /cannot be compared with column 'Age'/],
      ['Age add 1 eq 2', /operator 'add' is not supported/],
      ["Gender gt 'Male'", /supports only eq and ne/],
      ["Gender eq 'Other'", /not a member of the enum.*Unknown, Male, Female/],
      ["substringof('a',Name)", /function 'substringof' is not supported/],
      ["contains(Age,'1')", /needs a string column/],
      ['Age gt null', /null can only be compared with eq or ne/],
      ["Parent/Name eq 'x'", /navigation paths/],
      ['Name eq #', /unexpected character '#'/],
    ];
    for (const [filter, re] of cases) {
      assert.throws(() => compileFilter(filter, { entitySet: 'People', columns: people.columns }), (e: Error) => e instanceof ODataQueryError && re.test(e.message), filter);
    }
  });

  test('parseFilter builds the expected tree', () => {
    const t = parseFilter("not Id eq 'A' and Age lt 3");
    assert.equal(t.kind, 'logical');
  });

  test('key predicates', () => {
    assert.deepEqual(parseKeyPredicate("dataAreaId='usmf',CustomerAccount='US-''001'"), [
      { name: 'dataAreaId', value: 'usmf', literalType: 'string' },
      { name: 'CustomerAccount', value: "US-'001", literalType: 'string' },
    ]);
    assert.deepEqual(parseKeyPredicate('00000000-0000-0000-0000-00000000000A'), [{ name: undefined, value: '00000000-0000-0000-0000-00000000000a', literalType: 'guid' }]);
    assert.deepEqual(parseKeyPredicate("SalesOrderNumber='S1', LineNumber=2"), [
      { name: 'SalesOrderNumber', value: 'S1', literalType: 'string' },
      { name: 'LineNumber', value: 2, literalType: 'number' },
    ]);
    assert.throws(() => parseKeyPredicate("dataAreaId=usmf"), /'usmf' is not a literal/);
    assert.throws(() => parseKeyPredicate("a='x"), /not terminated/);
  });

  test('orderby and select', () => {
    assert.deepEqual(parseOrderBy('Age desc, Name', 'People', people.columns), [
      { column: 'Age', descending: true },
      { column: 'Name', descending: false },
    ]);
    assert.throws(() => parseOrderBy('Nope asc', 'People', people.columns), /'Nope'/);
    assert.throws(() => parseOrderBy('Age sideways', 'People', people.columns), /Syntax error in \$orderby/);
    assert.deepEqual(parseSelect('Id,Name', 'People', people.columns), ['Id', 'Name']);
    assert.throws(() => parseSelect('Id,Bogus', 'People', people.columns), /'Bogus'/);
    assert.deepEqual(
      store.query('People', { orderBy: 'Age desc', select: ['Id'] }).rows.map((r) => r.Id),
      ['B', 'A', 'C'],
    );
  });
});
