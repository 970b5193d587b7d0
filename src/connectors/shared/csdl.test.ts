import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseCsdl } from './csdl';
import { DATAVERSE_ENTITY_SETS } from '../../sandbox/dataverse/entities';
import { metadataXml } from '../../sandbox/dataverse/metadata';

describe('CSDL reader', () => {
  it('rejects documents that are not $metadata', () => {
    assert.throws(() => parseCsdl('<html><body>Sign in</body></html>', { system: 'finops', companyColumn: 'dataAreaId' }), /not a CSDL document/);
  });

  it('reports an entity set whose type is missing', () => {
    const xml = '<edmx:Edmx Version="4.0"><edmx:DataServices><Schema Namespace="N"><EntityContainer Name="C"><EntitySet Name="Things" EntityType="N.Thing"/></EntityContainer></Schema></edmx:DataServices></edmx:Edmx>';
    assert.throws(() => parseCsdl(xml, { system: 'finops', companyColumn: 'dataAreaId' }), /entity set Things refers to entity type Thing/);
  });

  it('reads keys, facets and enum members; a global entity is not company-specific', () => {
    const xml = [
      '<edmx:Edmx Version="4.0"><edmx:DataServices><Schema Namespace="N">',
      '<EntityType Name="Unit"><Key><PropertyRef Name="Symbol" /></Key>',
      '<Property Name="Symbol" Type="Edm.String" Nullable="false" MaxLength="10" />',
      '<Property Name="Active" Type="N.NoYes" />',
      '<Property Name="Factor" Type="Edm.Decimal" /></EntityType>',
      '<EnumType Name="NoYes"><Member Name="No" Value="0" /><Member Name="Yes" Value="1" /></EnumType>',
      '<EntityContainer Name="C"><EntitySet Name="Units" EntityType="N.Unit" /></EntityContainer>',
      '</Schema></edmx:DataServices></edmx:Edmx>',
    ].join('\n');
    const [units] = parseCsdl(xml, { system: 'finops', companyColumn: 'dataAreaId' });
    assert.deepEqual(units, {
      system: 'finops',
      entitySet: 'Units',
      entityType: 'Unit',
      primaryKey: ['Symbol'],
      companySpecific: false,
      columns: [
        { name: 'Symbol', type: 'string', maxLength: 10 },
        { name: 'Active', type: 'enum', enumSymbols: ['No', 'Yes'] },
        { name: 'Factor', type: 'decimal' },
      ],
    });
  });

  it('reads a polymorphic lookup as one column with a target per navigation property', () => {
    const sets = parseCsdl(metadataXml(DATAVERSE_ENTITY_SETS), { system: 'dataverse', companyColumn: 'msdyn_company' });
    const customer = sets.find((s) => s.entitySet === 'salesorders')?.columns.find((c) => c.name === 'customerid');
    assert.deepEqual(customer, {
      name: 'customerid',
      type: 'lookup',
      lookup: {
        entitySet: 'accounts',
        navigationProperty: 'customerid_account',
        targets: [
          { entitySet: 'accounts', navigationProperty: 'customerid_account' },
          { entitySet: 'contacts', navigationProperty: 'customerid_contact' },
        ],
      },
    });
    const currency = sets.find((s) => s.entitySet === 'salesorders')?.columns.find((c) => c.name === 'transactioncurrencyid');
    assert.deepEqual(currency?.lookup, { entitySet: 'transactioncurrencies', navigationProperty: 'transactioncurrencyid' });
  });
});
