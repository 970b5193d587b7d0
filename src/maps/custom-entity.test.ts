import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { EntitySetSchema } from '../schema/entity-schema';
import { DATAVERSE_ENTITY_SETS } from '../sandbox/dataverse/entities';
import { FINOPS_ENTITY_SETS } from '../sandbox/finops/entities';
import { companyIdRequest, loadStandardCatalog, parseMapText, topologicalOrder, transformRecord, validateCatalog } from '.';

/* The walk-through of docs/maps.md, end to end: a custom entity on both sides and its map. */

const finops: EntitySetSchema = {
  system: 'finops',
  entitySet: 'ContosoWarrantyPlans',
  entityType: 'ContosoWarrantyPlan',
  primaryKey: ['dataAreaId', 'PlanId'],
  companySpecific: true,
  companyColumn: 'dataAreaId',
  columns: [
    { name: 'dataAreaId', type: 'string', maxLength: 4 },
    { name: 'PlanId', type: 'string', maxLength: 10, required: true },
    { name: 'Description', type: 'string', maxLength: 60 },
    { name: 'Coverage', type: 'enum', enumSymbols: ['Basic', 'Extended'] },
    { name: 'Price', type: 'decimal' },
  ],
};
const dataverse: EntitySetSchema = {
  system: 'dataverse',
  entitySet: 'contoso_warrantyplans',
  entityType: 'contoso_warrantyplan',
  primaryKey: ['contoso_warrantyplanid'],
  alternateKeys: [{ name: 'contoso_planid_company_key', columns: ['contoso_planid', 'msdyn_company'] }],
  companySpecific: true,
  companyColumn: 'msdyn_company',
  columns: [
    { name: 'contoso_warrantyplanid', type: 'guid' },
    { name: 'contoso_planid', type: 'string', maxLength: 10 },
    { name: 'contoso_name', type: 'string', maxLength: 100 },
    { name: 'contoso_coverage', type: 'optionset', options: [{ value: 100000000, label: 'Basic' }, { value: 100000001, label: 'Extended' }] },
    { name: 'contoso_price', type: 'decimal' },
    { name: 'msdyn_company', type: 'lookup', lookup: { entitySet: 'cdm_companies', navigationProperty: 'msdyn_company' } },
  ],
};

const mapText = JSON.stringify({
  $schema: './schema.json',
  name: 'warranty-plans',
  version: '1.0.0',
  publisher: 'contoso',
  scope: 'company',
  finops: { entitySet: 'ContosoWarrantyPlans', key: ['PlanId'] },
  dataverse: { entitySet: 'contoso_warrantyplans', key: ['contoso_planid'] },
  columns: [
    { finops: 'PlanId', dataverse: 'contoso_planid', direction: '<->' },
    { finops: 'Description', dataverse: 'contoso_name', direction: '<->', toFinops: 'truncate(contoso_name, 60)' },
    { finops: 'Coverage', dataverse: 'contoso_coverage', direction: '<->', valueMap: { Basic: 100000000, Extended: 100000001 } },
    { finops: 'Price', dataverse: 'contoso_price', direction: '->' },
  ],
  dependsOn: ['legal-entities'],
});

describe('custom entity walk-through (docs/maps.md)', () => {
  const { map, errors } = parseMapText(mapText, 'maps/warranty-plans.json');

  it('the map is valid with the standard catalog against both schemas, and runs after legal entities', () => {
    assert.deepEqual(errors, []);
    assert.ok(map);
    const catalog = [...loadStandardCatalog().maps, map];
    assert.deepEqual(validateCatalog(catalog, [...FINOPS_ENTITY_SETS, ...DATAVERSE_ENTITY_SETS, finops, dataverse]), []);
    const { order } = topologicalOrder(catalog);
    assert.ok(order.indexOf('legal-entities') < order.indexOf('warranty-plans'));
  });

  it('maps coverage to the option set and binds the company', () => {
    const row = { dataAreaId: 'usmf', PlanId: 'W1', Description: 'Gold', Coverage: 'Extended', Price: 99 };
    const companyId = '11111111-1111-1111-1111-111111111111';
    const result = transformRecord(map!, 'finops-to-dataverse', row, { lookups: { [companyIdRequest('usmf').id]: companyId } });
    assert.deepEqual(result.errors, []);
    assert.equal(result.values.contoso_coverage, 100000001);
    assert.deepEqual(result.key, { _msdyn_company_value: companyId, contoso_planid: 'W1' });
  });

  it('a wrong enum symbol in the map is caught before anything runs', () => {
    const broken = parseMapText(mapText.replace('"Extended":100000001', '"Extnded":100000001'));
    assert.ok(broken.map);
    const problems = validateCatalog([...loadStandardCatalog().maps, broken.map], [...FINOPS_ENTITY_SETS, ...DATAVERSE_ENTITY_SETS, finops, dataverse]);
    assert.deepEqual(problems.map((p) => p.code).sort(), ['value-map-incomplete', 'value-map-unknown-symbol']);
    assert.match(problems.find((p) => p.code === 'value-map-unknown-symbol')?.hint ?? '', /did you mean 'Extended'/);
  });
});
