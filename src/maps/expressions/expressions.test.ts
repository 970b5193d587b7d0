import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { evaluateExpression, parseExpression, referencedColumns } from '.';

const row = { Name: '  Contoso Ltd ', City: 'Seattle', Empty: '', Nothing: null, Amount: 1234.5678, Text: '42.5', When: '2024-05-31T13:45:07Z', Day: '2024-02-29' };

describe('expressions: evaluation', () => {
  const cases: [string, unknown][] = [
    ["concat(trim(Name), ' ', upper(City))", 'Contoso Ltd SEATTLE'],
    ["concat(Name, Nothing, '!')", '  Contoso Ltd !'],
    ['lower(City)', 'seattle'],
    ['upper(Nothing)', null],
    ['trim(Name)', 'Contoso Ltd'],
    ['substring(City, 1, 3)', 'eat'],
    ['substring(City, 3)', 'ttle'],
    ['truncate(City, 3)', 'Sea'],
    ['truncate(City, 60)', 'Seattle'],
    ['truncate(Nothing, 3)', null],
    ["replace(City, 'tt', 'T')", 'SeaTle'],
    ['formatNumber(Amount, 2)', '1234.57'],
    ['formatNumber(Text, 0)', '43'],
    ['formatNumber(Nothing, 2)', null],
    ['round(Amount, 1)', 1234.6],
    ['toNumber(Text)', 42.5],
    ['toText(Amount)', '1234.5678'],
    ["formatDate(When, 'yyyy-MM-dd')", '2024-05-31'],
    ["formatDate(When, 'dd/MM/yyyy HH:mm:ss')", '31/05/2024 13:45:07'],
    ["formatDate(Day, 'yyyy-MM-ddT00:00:00Z')", '2024-02-29T00:00:00Z'],
    ["coalesce(Nothing, Empty, City, 'x')", 'Seattle'],
    ["coalesce(Nothing, 'fallback')", 'fallback'],
    ['coalesce(Nothing, Empty)', null],
    ["'it''s'", "it's"],
    ['-1.5', -1.5],
    ['true', true],
    ['null', null],
    ['City', 'Seattle'],
    ['Unknown', null],
    ['constructor', null],
    ['toString', null],
  ];
  for (const [source, expected] of cases) {
    it(`${source} -> ${JSON.stringify(expected)}`, () => {
      assert.deepEqual(evaluateExpression(source, row), { ok: true, value: expected });
    });
  }
});

describe('expressions: errors are results, not exceptions', () => {
  const cases: [string, RegExp][] = [
    ['upper(City', /expected '\)' to close upper\(/],
    ['unknownFn(City)', /unknown function 'unknownFn'/],
    ['truncate(City)', /truncate takes 2 arguments, got 1/],
    ['concat()', /at least 1 argument/],
    ['City City', /unexpected 'City' after the end/],
    ['"text"', /single quotes/],
    ["'open", /unterminated string/],
    ['City + 1', /unexpected character '\+'/],
    ['constructor(City)', /unknown function 'constructor'/],
    ['formatNumber(City, 2)', /formatNumber: expected a number, got 'Seattle'/],
    ["formatDate(City, 'yyyy')", /formatDate: expected an ISO 8601 date/],
    ['truncate(City, -1)', /maxLength must be a whole number >= 0/],
  ];
  for (const [source, message] of cases) {
    it(source, () => {
      const result = evaluateExpression(source, row);
      assert.equal(result.ok, false);
      assert.match((result as { message: string }).message, message);
    });
  }
});

describe('expressions: parsing', () => {
  it('lists the columns an expression reads', () => {
    assert.deepEqual(referencedColumns(parseExpression("concat(trim(Name), ' ', coalesce(City, Name))")).sort(), ['City', 'Name']);
  });
  it('gives the position of a syntax error', () => {
    assert.throws(() => parseExpression('concat(Name,, City)'), (e: Error & { position?: number }) => e.position === 12);
  });
});
