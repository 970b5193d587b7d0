import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { EntitySetSchema } from '../schema/entity-schema';
import { TableMapSchema, type TableMap } from './schema';
import { validateCatalog } from './validate-catalog';

/** Small schemas of both systems, so each rule is tested on its own. */
const schemas: EntitySetSchema[] = [
  {
    system: 'finops',
    entitySet: 'Groups',
    entityType: 'Group',
    primaryKey: ['dataAreaId', 'GroupId'],
    companySpecific: true,
    companyColumn: 'dataAreaId',
    columns: [
      { name: 'dataAreaId', type: 'string' },
      { name: 'GroupId', type: 'string', maxLength: 20 },
      { name: 'Description', type: 'string', maxLength: 60 },
      { name: 'Note', type: 'string', maxLength: 200 },
      { name: 'Count', type: 'int' },
      { name: 'Blocked', type: 'enum', enumSymbols: ['No', 'Invoice', 'All'] },
      { name: 'Stamp', type: 'datetime', readOnly: true },
    ],
  },
  {
    system: 'dataverse',
    entitySet: 'groups',
    entityType: 'group',
    primaryKey: ['groupid'],
    alternateKeys: [{ name: 'k', columns: ['code', 'msdyn_company'] }],
    companySpecific: true,
    companyColumn: 'msdyn_company',
    columns: [
      { name: 'groupid', type: 'guid' },
      { name: 'code', type: 'string', maxLength: 10 },
      { name: 'description', type: 'string', maxLength: 60 },
      { name: 'shortnote', type: 'string', maxLength: 10 },
      { name: 'status', type: 'optionset', options: [{ value: 1, label: 'Open' }, { value: 2, label: 'Held' }, { value: 3, label: 'Closed' }] },
      { name: 'parentid', type: 'lookup', lookup: { entitySet: 'groups', navigationProperty: 'parentid' } },
      { name: 'modifiedon', type: 'datetime', readOnly: true },
      { name: 'msdyn_company', type: 'lookup', lookup: { entitySet: 'cdm_companies', navigationProperty: 'msdyn_company' } },
    ],
  },
];

function groups(overrides: Partial<Record<string, unknown>> = {}): TableMap {
  return TableMapSchema.parse({
    name: 'groups',
    version: '1.0.0',
    publisher: 'test',
    scope: 'company',
    finops: { entitySet: 'Groups', key: ['GroupId'] },
    dataverse: { entitySet: 'groups', key: ['code'] },
    columns: [
      { finops: 'GroupId', dataverse: 'code', direction: '<->' },
      { finops: 'Description', dataverse: 'description', direction: '<->' },
    ],
    ...overrides,
  });
}

const base = groups().columns;

describe('validateCatalog', () => {
  const cases: { title: string; maps: TableMap[]; expected: string[]; message?: RegExp; hint?: RegExp }[] = [
    { title: 'a correct map has no errors (a key longer than its counterpart is the service\'s to refuse, not truncated)', maps: [groups()], expected: [] },
    {
      title: 'text that may not fit the target',
      maps: [groups({ columns: [...base, { finops: 'Note', dataverse: 'shortnote', direction: '<->' }] })],
      expected: ['$.columns[2].toDataverse may-exceed-length'],
      hint: /"toDataverse": "truncate\(Note, 10\)"/,
    },
    { title: 'truncated text fits', maps: [groups({ columns: [...base, { finops: 'Note', dataverse: 'shortnote', direction: '<->', toDataverse: 'truncate(Note, 10)' }] })], expected: [] },
    {
      title: 'a number copied into text without a conversion',
      maps: [groups({ columns: [...base, { finops: 'Count', dataverse: 'shortnote', direction: '->' }] })],
      expected: ['$.columns[2].direction incompatible-types'],
    },
    { title: 'converted by an expression', maps: [groups({ columns: [...base, { finops: 'Count', dataverse: 'shortnote', direction: '->', toDataverse: 'formatNumber(Count, 0)' }] })], expected: [] },
    { title: 'unknown entity set, with a suggestion', maps: [groups({ dataverse: { entitySet: 'group', key: ['code'] } })], expected: ['$.dataverse.entitySet unknown-entity-set'], hint: /did you mean 'groups'/ },
    {
      title: 'columns unknown to the target schema',
      maps: [groups({ columns: [...base, { finops: 'Descripton', dataverse: 'desc', direction: '<->' }] })],
      expected: ['$.columns[2].finops unknown-column', '$.columns[2].dataverse unknown-column'],
      hint: /did you mean 'Description'/,
    },
    {
      title: 'a lookup to an unknown map',
      maps: [groups({ columns: [...base, { finops: 'Description', dataverse: 'parentid', direction: '->', lookup: { map: 'parents' } }] })],
      expected: ['$.columns[2].lookup.map unknown-lookup-map', '$.dependsOn unknown-dependency'],
    },
    {
      title: 'a self lookup is fine',
      maps: [groups({ columns: [...base, { finops: 'Description', dataverse: 'parentid', direction: '->', lookup: { map: 'groups' } }] })],
      expected: [],
    },
    {
      title: 'a Dataverse lookup column mapped without "lookup"',
      maps: [groups({ columns: [...base, { finops: 'Description', dataverse: 'parentid', direction: '->' }] })],
      expected: ['$.columns[2].lookup lookup-missing'],
    },
    {
      title: 'one-way columns without a source',
      maps: [groups({ columns: [...base, { dataverse: 'status', direction: '->' }] })],
      expected: ['$.columns[2] no-source'],
    },
    {
      title: 'a value map that does not cover the F&O enum',
      maps: [groups({ columns: [...base, { finops: 'Blocked', dataverse: 'status', direction: '->', valueMap: { No: 1, All: 2 } }] })],
      expected: ['$.columns[2].valueMap value-map-incomplete'],
      message: /Invoice/,
    },
    {
      title: 'a value map that does not cover the Dataverse option set, with unknown symbols and options',
      maps: [groups({ columns: [...base, { finops: 'Blocked', dataverse: 'status', direction: '<->', valueMap: { No: 1, Invoice: 9, All: 2, Maybe: 4 } }] })],
      expected: [
        '$.columns[2].valueMap.Maybe value-map-unknown-symbol',
        '$.columns[2].valueMap.Invoice value-map-unknown-option',
        '$.columns[2].valueMap.Maybe value-map-unknown-option',
        '$.columns[2].valueMap value-map-incomplete',
      ],
      message: /no entry for Dataverse option\(s\) 3 \(Closed\)/,
    },
    {
      title: 'an enum written to an option set without a value map',
      maps: [groups({ columns: [...base, { finops: 'Blocked', dataverse: 'status', direction: '->' }] })],
      expected: ['$.columns[2] value-map-missing'],
    },
    {
      title: 'writing a read-only column',
      maps: [groups({ columns: [...base, { finops: 'Stamp', dataverse: 'modifiedon', direction: '<->' }] })],
      expected: ['$.columns[2].direction read-only-target', '$.columns[2].direction read-only-target'],
    },
    { title: 'scope that disagrees with the F&O entity', maps: [groups({ scope: 'global' })], expected: ['$.scope scope-mismatch', '$.dataverse.key no-alternate-key'] },
    {
      title: 'filters and expressions naming unknown columns',
      maps: [groups({ finops: { entitySet: 'Groups', key: ['GroupId'], filter: "Kind eq 'x'" }, columns: [base[0], { finops: 'Description', dataverse: 'description', direction: '<->', toDataverse: 'upper(Descr)' }] })],
      expected: ['$.finops.filter unknown-column', '$.columns[1].toDataverse unknown-column'],
    },
    { title: 'duplicate names', maps: [groups(), groups()], expected: ['$.name duplicate-map'] },
    {
      title: 'a dependency cycle names the cycle',
      maps: [groups({ dependsOn: ['other'] }), groups({ name: 'other', dependsOn: ['groups'] })],
      expected: ['$.dependsOn cycle'],
      message: /groups -> other -> groups/,
    },
  ];
  for (const c of cases) {
    it(c.title, () => {
      const errors = validateCatalog(c.maps, schemas, { files: new Map([['groups', 'maps/groups.json']]) });
      assert.deepEqual(errors.map((e) => `${e.path} ${e.code}`).sort(), [...c.expected].sort(), JSON.stringify(errors, null, 1));
      for (const e of errors) assert.ok(e.expected && e.message, 'every error says what was found and what was expected');
      if (errors.length && errors[0]?.map === 'groups' && c.title !== 'duplicate names') assert.equal(errors[0]?.file, 'maps/groups.json');
      if (c.message) assert.ok(errors.some((e) => c.message?.test(e.message)), 'message');
      if (c.hint) assert.ok(errors.some((e) => c.hint?.test(e.hint ?? '')), 'hint');
    });
  }
});
