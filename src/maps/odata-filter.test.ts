import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseFilter as parseSandboxFilter } from '../sandbox/shared/odata-filter';
import { loadStandardCatalog } from './catalog';
import { matchesFilter, renderFilter } from './filter';
import { evaluateFilter, filterColumns, parseFilter, renderFilterNode } from './odata-filter';
import type { TableMap } from './schema';

const row = { PartyType: 'Organization', Name: 'Contoso Ltd', Employees: 1500, Active: true, Nothing: null, Code: '3', When: '2021-06-23', Id: 'A1B2C3D4-0000-0000-0000-000000000001' };

describe('OData filter: in-memory evaluation', () => {
  const cases: [string, boolean][] = [
    ["PartyType eq 'Organization'", true],
    ["PartyType eq 'organization'", true], // services compare text case-insensitively
    ["PartyType ne 'Organization'", false],
    ['Employees gt 1000 and Employees le 2000', true],
    ['Employees gt 1000 and Employees le 1400', false],
    ['Employees lt 10 or Active eq true', true],
    ['not (Employees lt 10)', true],
    ['not Active', false],
    ['Active', true],
    ["contains(Name,'toso')", true],
    ["contains(Name,'TOSO')", true],
    ["startswith(Name,'Con')", true],
    ["endswith(Name,'Ltd')", true],
    ["endswith(Name,'Inc')", false],
    ["contains(Name,'toso') eq false", false],
    ["contains(Nothing,'x')", false],
    ['Nothing eq null', true],
    ['Name eq null', false],
    ['Nothing ne null', false],
    ['Nothing gt 3', false],
    ['Code eq 3', true], // a numeric text column against a number
    ["When le '2021-06-23'", true],
    ['When lt 2021-06-24', true],
    ['Id eq a1b2c3d4-0000-0000-0000-000000000001', true],
    ["Microsoft.Dynamics.DataEntities.NoYes'Yes' eq 'Yes'", true],
    ["tolower(Name) eq 'contoso ltd'", true],
    ["(PartyType eq 'Person' or PartyType eq 'Organization') and Employees ge 1500", true],
    ['Missing eq null', true],
  ];
  for (const [filter, expected] of cases) {
    it(`${filter} -> ${expected}`, () => assert.equal(evaluateFilter(parseFilter(filter), row), expected));
  }
});

describe('OData filter: rendering', () => {
  const cases: [string, string][] = [
    ["PartyType  eq   'Organization'", "PartyType eq 'Organization'"],
    ['((a eq 1) and (b eq 2)) or c eq 3', 'a eq 1 and b eq 2 or c eq 3'],
    ['a eq 1 and (b eq 2 or c eq 3)', 'a eq 1 and (b eq 2 or c eq 3)'],
    ["not contains(Name, 'x')", "not contains(Name,'x')"],
    ['not (a eq 1 or b eq 2)', 'not (a eq 1 or b eq 2)'],
    ["Name eq 'it''s'", "Name eq 'it''s'"],
  ];
  for (const [input, output] of cases) {
    it(input, () => {
      const rendered = renderFilterNode(parseFilter(input));
      assert.equal(rendered, output);
      // Rendering is a fixed point and keeps the meaning.
      assert.equal(renderFilterNode(parseFilter(rendered)), rendered);
    });
  }
});

describe('OData filter: syntax errors name the position (the sandbox parser, without the echoed filter)', () => {
  const cases: [string, RegExp, number][] = [
    ["Name eq 'x", /unterminated string/, 8],
    ['Name eq', /expected a property or a value/, 7],
    ['Name equals 3', /unexpected 'equals'/, 5],
    ['substringof(Name, 3)', /'substringof' is not supported/, 0],
    ['(a eq 1', /expected '\)'/, 7],
    ['a eq 1 b eq 2', /missing 'and' \/ 'or'/, 7],
    ['a eq #', /unexpected character '#'/, 5],
  ];
  for (const [input, message, position] of cases) {
    it(input, () => {
      assert.throws(() => parseFilter(input), (e: Error & { position: number }) => message.test(e.message) && e.position === position);
    });
  }
});

describe('map filters', () => {
  const { maps } = loadStandardCatalog();
  const accounts = maps.find((m) => m.name === 'customers-v3-accounts') as TableMap;

  it('matchesFilter applies the side filter; no filter passes everything', () => {
    assert.equal(matchesFilter(accounts, 'finops', { PartyType: 'Organization' }), true);
    assert.equal(matchesFilter(accounts, 'finops', { PartyType: 'Person' }), false);
    assert.equal(matchesFilter(accounts, 'dataverse', { customertypecode: 3 }), true);
    assert.equal(matchesFilter(accounts, 'dataverse', { customertypecode: 8 }), false);
    const noFilter = maps.find((m) => m.name === 'customer-groups') as TableMap;
    assert.equal(matchesFilter(noFilter, 'finops', {}), true);
    assert.equal(renderFilter(noFilter, 'finops'), undefined);
  });

  it('renderFilter gives $filter text the sandboxes accept, for every standard map', () => {
    let rendered = 0;
    for (const map of maps) {
      for (const side of ['finops', 'dataverse'] as const) {
        const text = renderFilter(map, side);
        if (text === undefined) continue;
        rendered++;
        assert.doesNotThrow(() => parseSandboxFilter(text), `${map.name} ${side}: ${text}`);
        assert.deepEqual(filterColumns(parseFilter(text)).length > 0, true);
      }
    }
    assert.ok(rendered >= 4, `expected the standard filters to be rendered, got ${rendered}`);
  });
});
