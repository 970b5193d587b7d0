import type { ColumnSchema, EntitySetSchema } from '../../schema/entity-schema';

/**
 * The F&O entity sets the sandbox serves. Names, keys and types follow a real F&O $metadata
 * (see /work/shared/reference/fixtures/fno-*-properties.txt); string lengths follow the
 * standard extended data types (CustAccount 20, DataAreaId 4, Name 100, ...). Only a subset of
 * each entity's hundreds of columns is kept: the keys and what dual-write's standard maps sync.
 * `ModifiedDateTime` is a sandbox addition (real entities do not expose one), documented in
 * docs/sandboxes.md.
 */

export const FINOPS_NAMESPACE = 'Microsoft.Dynamics.DataEntities';

/** F&O enums used below, with their symbols in declaration order (the first is the default). */
export const FINOPS_ENUMS: Record<string, string[]> = {
  NoYes: ['No', 'Yes'],
  CustVendorBlocked: ['No', 'Invoice', 'All', 'Payment', 'Requisition', 'Never'],
  Gender: ['Unknown', 'Male', 'Female', 'NonSpecific'],
  EcoResProductType: ['Item', 'Service'],
  EcoResProductSubtype: ['Product', 'ProductMaster'],
  SalesStatus: ['None', 'Backorder', 'Delivered', 'Invoiced', 'Canceled'],
  UnitOfMeasureClass: ['Undefined', 'Quantity', 'Length', 'Area', 'Volume', 'Mass', 'Time', 'Temperature'],
  PaymentMethod: ['Net', 'CurrentMonth', 'CurrentQuarter', 'CurrentYear', 'CurrentWeek', 'COD'],
};

/** The enum type name of each enum column (columns carry only the symbols; $metadata needs the name). */
export const FINOPS_ENUM_TYPE_OF_COLUMN: Record<string, string> = {};

const str = (name: string, maxLength: number, extra: Partial<ColumnSchema> = {}): ColumnSchema => ({ name, type: 'string', maxLength, ...extra });
const dec = (name: string, extra: Partial<ColumnSchema> = {}): ColumnSchema => ({ name, type: 'decimal', ...extra });
const int = (name: string, extra: Partial<ColumnSchema> = {}): ColumnSchema => ({ name, type: 'int', ...extra });
const dt = (name: string, extra: Partial<ColumnSchema> = {}): ColumnSchema => ({ name, type: 'datetime', ...extra });
function enumCol(name: string, enumType: string, extra: Partial<ColumnSchema> = {}): ColumnSchema {
  const symbols = FINOPS_ENUMS[enumType];
  if (!symbols) throw new Error(`unknown F&O enum ${enumType}`);
  FINOPS_ENUM_TYPE_OF_COLUMN[name] = enumType;
  return { name, type: 'enum', enumSymbols: symbols, description: `enum ${enumType}`, ...extra };
}

const dataAreaId = str('dataAreaId', 4, { required: true, description: 'Company (legal entity) id' });
const modified = dt('ModifiedDateTime', { readOnly: true, description: 'Sandbox addition: last change time (UTC)' });

/** Address block shared by customers, vendors and legal entities (prefix '' for the primary address). */
function address(prefix: string): ColumnSchema[] {
  return [
    str(`${prefix}AddressDescription`, 60),
    str(`${prefix}AddressStreet`, 250),
    str(`${prefix}AddressCity`, 60),
    str(`${prefix}AddressState`, 10),
    str(`${prefix}AddressZipCode`, 10),
    str(`${prefix}AddressCountryRegionId`, 10),
    str(`${prefix}AddressCountryRegionISOCode`, 2),
  ];
}

function companySet(entitySet: string, entityType: string, keys: string[], columns: ColumnSchema[]): EntitySetSchema {
  return {
    system: 'finops',
    entitySet,
    entityType,
    primaryKey: ['dataAreaId', ...keys],
    companySpecific: true,
    companyColumn: 'dataAreaId',
    modifiedColumn: 'ModifiedDateTime',
    columns: [dataAreaId, ...columns, modified],
  };
}

function globalSet(entitySet: string, entityType: string, keys: string[], columns: ColumnSchema[]): EntitySetSchema {
  return {
    system: 'finops',
    entitySet,
    entityType,
    primaryKey: keys,
    companySpecific: false,
    modifiedColumn: 'ModifiedDateTime',
    columns: [...columns, modified],
  };
}

export const FINOPS_ENTITY_SETS: EntitySetSchema[] = [
  globalSet('LegalEntities', 'LegalEntity', ['LegalEntityId'], [
    str('LegalEntityId', 4, { required: true }),
    str('Name', 100, { required: true }),
    str('AccountingCurrency', 3),
    str('LanguageId', 7),
    ...address(''),
  ]),
  globalSet('Currencies', 'Currency', ['CurrencyCode'], [
    str('CurrencyCode', 3, { required: true }),
    str('Name', 60),
    str('Symbol', 5),
    int('RoundOffPrecision'),
  ]),
  globalSet('UnitsOfMeasure', 'UnitOfMeasure', ['UnitSymbol'], [
    str('UnitSymbol', 10, { required: true }),
    str('UnitDescription', 60),
    enumCol('UnitClass', 'UnitOfMeasureClass'),
    int('DecimalPrecision'),
  ]),
  companySet('PaymentTerms', 'PaymentTerm', ['Name'], [
    str('Name', 10, { required: true, description: 'Terms of payment id (PaymTermId)' }),
    str('Description', 60),
    enumCol('PaymentMethod', 'PaymentMethod'),
    int('NumberOfDays'),
    int('NumberOfMonths'),
  ]),
  companySet('CustomerGroups', 'CustomerGroup', ['CustomerGroupId'], [
    str('CustomerGroupId', 10, { required: true }),
    str('Description', 60),
    str('PaymentTermId', 10),
    str('TaxGroupId', 10),
    enumCol('IsSalesTaxIncludedInPrice', 'NoYes'),
  ]),
  companySet('CustomersV3', 'CustomerV3', ['CustomerAccount'], [
    str('CustomerAccount', 20, { required: true }),
    str('PartyType', 20, { description: "'Organization' or 'Person'" }),
    str('PartyNumber', 40),
    str('OrganizationName', 100),
    str('NameAlias', 20),
    str('PersonFirstName', 25),
    str('PersonMiddleName', 25),
    str('PersonLastName', 25),
    enumCol('PersonGender', 'Gender'),
    str('CustomerGroupId', 10, { required: true }),
    str('SalesCurrencyCode', 3),
    str('PaymentTerms', 10),
    str('InvoiceAccount', 20),
    dec('CreditLimit'),
    enumCol('CreditLimitIsMandatory', 'NoYes'),
    enumCol('OnHoldStatus', 'CustVendorBlocked'),
    str('LanguageId', 7),
    str('PrimaryContactEmail', 255),
    str('PrimaryContactPhone', 255),
    str('PrimaryContactURL', 255),
    ...address(''),
    str('FullPrimaryAddress', 250),
    ...address('Delivery'),
    ...address('Invoice'),
  ]),
  companySet('VendorGroups', 'VendorGroup', ['VendorGroupId'], [
    str('VendorGroupId', 10, { required: true }),
    str('Description', 60),
    str('DefaultPaymentTermName', 10),
  ]),
  companySet('VendorsV2', 'VendorV2', ['VendorAccountNumber'], [
    str('VendorAccountNumber', 20, { required: true }),
    str('VendorPartyType', 20, { description: "'Organization' or 'Person'" }),
    str('VendorPartyNumber', 40),
    str('VendorOrganizationName', 100),
    str('VendorSearchName', 20),
    str('PersonFirstName', 25),
    str('PersonLastName', 25),
    str('VendorGroupId', 10, { required: true }),
    str('CurrencyCode', 3),
    str('DefaultPaymentTermsName', 10),
    dec('CreditLimit'),
    enumCol('OnHoldStatus', 'CustVendorBlocked'),
    str('LanguageId', 7),
    str('PrimaryEmailAddress', 255),
    str('PrimaryPhoneNumber', 255),
    ...address(''),
    str('FormattedPrimaryAddress', 250),
  ]),
  companySet('ReleasedProductsV2', 'ReleasedProductV2', ['ItemNumber'], [
    str('ItemNumber', 20, { required: true }),
    str('ProductNumber', 20),
    str('ProductSearchName', 20),
    str('SearchName', 20),
    enumCol('ProductType', 'EcoResProductType'),
    enumCol('ProductSubType', 'EcoResProductSubtype'),
    str('ItemModelGroupId', 10),
    str('ProductGroupId', 20),
    str('InventoryUnitSymbol', 10),
    str('SalesUnitSymbol', 10),
    str('PurchaseUnitSymbol', 10),
    dec('SalesPrice'),
    dec('PurchasePrice'),
    dec('UnitCost'),
    dec('NetProductWeight'),
  ]),
  companySet('SalesOrderHeadersV2', 'SalesOrderHeaderV2', ['SalesOrderNumber'], [
    str('SalesOrderNumber', 20, { required: true }),
    str('OrderingCustomerAccountNumber', 20, { required: true }),
    str('InvoiceCustomerAccountNumber', 20),
    str('SalesOrderName', 100),
    str('CurrencyCode', 3),
    str('PaymentTermsName', 10),
    enumCol('SalesOrderStatus', 'SalesStatus'),
    dt('RequestedShippingDate'),
    str('CustomersOrderReference', 60),
    ...address('Delivery'),
  ]),
  companySet('SalesOrderLines', 'SalesOrderLine', ['SalesOrderNumber', 'LineNumber'], [
    str('SalesOrderNumber', 20, { required: true }),
    dec('LineNumber', { required: true }),
    str('ItemNumber', 20, { required: true }),
    str('LineDescription', 1000),
    dec('OrderedSalesQuantity'),
    str('SalesUnitSymbol', 10),
    dec('SalesPrice'),
    dec('LineAmount'),
    enumCol('SalesOrderLineStatus', 'SalesStatus'),
    dt('RequestedShippingDate'),
  ]),
];

export function finopsEntitySet(name: string): EntitySetSchema | undefined {
  return FINOPS_ENTITY_SETS.find((s) => s.entitySet === name);
}

/**
 * Foreign-key style checks F&O makes on write ("The value 'X' in field 'Customer group' is not
 * found in the relating table"). A non-empty value must exist in the target entity set, in the
 * same company when the target is company-specific.
 */
export interface FinopsRelation {
  entitySet: string;
  column: string;
  target: string;
  /** The target's key column (besides dataAreaId) that the value must match. */
  targetColumn: string;
}

export const FINOPS_RELATIONS: FinopsRelation[] = [
  { entitySet: 'LegalEntities', column: 'AccountingCurrency', target: 'Currencies', targetColumn: 'CurrencyCode' },
  { entitySet: 'CustomerGroups', column: 'PaymentTermId', target: 'PaymentTerms', targetColumn: 'Name' },
  { entitySet: 'CustomersV3', column: 'CustomerGroupId', target: 'CustomerGroups', targetColumn: 'CustomerGroupId' },
  { entitySet: 'CustomersV3', column: 'SalesCurrencyCode', target: 'Currencies', targetColumn: 'CurrencyCode' },
  { entitySet: 'CustomersV3', column: 'PaymentTerms', target: 'PaymentTerms', targetColumn: 'Name' },
  { entitySet: 'VendorGroups', column: 'DefaultPaymentTermName', target: 'PaymentTerms', targetColumn: 'Name' },
  { entitySet: 'VendorsV2', column: 'VendorGroupId', target: 'VendorGroups', targetColumn: 'VendorGroupId' },
  { entitySet: 'VendorsV2', column: 'CurrencyCode', target: 'Currencies', targetColumn: 'CurrencyCode' },
  { entitySet: 'VendorsV2', column: 'DefaultPaymentTermsName', target: 'PaymentTerms', targetColumn: 'Name' },
  { entitySet: 'ReleasedProductsV2', column: 'InventoryUnitSymbol', target: 'UnitsOfMeasure', targetColumn: 'UnitSymbol' },
  { entitySet: 'ReleasedProductsV2', column: 'SalesUnitSymbol', target: 'UnitsOfMeasure', targetColumn: 'UnitSymbol' },
  { entitySet: 'ReleasedProductsV2', column: 'PurchaseUnitSymbol', target: 'UnitsOfMeasure', targetColumn: 'UnitSymbol' },
  { entitySet: 'SalesOrderHeadersV2', column: 'OrderingCustomerAccountNumber', target: 'CustomersV3', targetColumn: 'CustomerAccount' },
  { entitySet: 'SalesOrderHeadersV2', column: 'InvoiceCustomerAccountNumber', target: 'CustomersV3', targetColumn: 'CustomerAccount' },
  { entitySet: 'SalesOrderHeadersV2', column: 'CurrencyCode', target: 'Currencies', targetColumn: 'CurrencyCode' },
  { entitySet: 'SalesOrderLines', column: 'SalesOrderNumber', target: 'SalesOrderHeadersV2', targetColumn: 'SalesOrderNumber' },
  { entitySet: 'SalesOrderLines', column: 'ItemNumber', target: 'ReleasedProductsV2', targetColumn: 'ItemNumber' },
];

/** The X++ table behind each entity, for F&O-style error texts ("Write failed for table row of type ..."). */
export const FINOPS_TABLE_NAMES: Record<string, string> = {
  LegalEntities: 'OMLegalEntity',
  Currencies: 'CurrencyEntity',
  UnitsOfMeasure: 'UnitOfMeasureEntity',
  PaymentTerms: 'PaymentTermEntity',
  CustomerGroups: 'CustCustomerGroupEntity',
  CustomersV3: 'CustCustomerV3Entity',
  VendorGroups: 'VendVendorGroupEntity',
  VendorsV2: 'VendVendorV2Entity',
  ReleasedProductsV2: 'EcoResReleasedProductV2Entity',
  SalesOrderHeadersV2: 'SalesOrderHeaderV2Entity',
  SalesOrderLines: 'SalesOrderLineEntity',
};

/**
 * F&O never stores null for strings, numbers or enums (X++ has no null for them): unset ones
 * read as "", 0 and the enum's first symbol. Datetimes stay null (real F&O shows 1900-01-01).
 */
export function withFinopsDefaults(schema: EntitySetSchema, values: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...values };
  for (const col of schema.columns) {
    if (col.readOnly || (out[col.name] !== undefined && out[col.name] !== null)) continue;
    if (col.type === 'string') out[col.name] = '';
    else if (col.type === 'decimal' || col.type === 'int' || col.type === 'bigint') out[col.name] = 0;
    else if (col.type === 'enum' && col.enumSymbols?.[0]) out[col.name] = col.enumSymbols[0];
  }
  return out;
}
