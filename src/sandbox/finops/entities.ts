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
  SalesQuotationStatus: ['Created', 'Sent', 'Confirmed', 'Lost', 'Canceled'],
  PurchStatus: ['None', 'Backorder', 'Received', 'Invoiced', 'Canceled'],
  DirPartyType: ['None', 'Person', 'Organization'],
  LogisticsElectronicAddressMethodType: ['None', 'Phone', 'Email', 'URL', 'Telex', 'Fax'],
  DocuTypeGroup: ['Note', 'File', 'URL'],
  ContactPersonAssociation: ['Customer', 'Vendor'],
  OMOperatingUnitType: ['None', 'Department', 'CostCenter', 'ValueStream', 'BusinessUnit', 'RetailChannel'],
  FiscalPeriodType: ['Opening', 'Operating', 'Closing'],
  RetailChannelType: ['RetailStore', 'OnlineStore', 'CallCenter'],
  RetailDiscountStatus: ['Disabled', 'Enabled'],
  RetailLoyaltyRewardPointType: ['Amount', 'Quantity'],
  HcmWorkerType: ['Employee', 'Contractor'],
  ProjType: ['TimeAndMaterial', 'FixedPrice', 'Investment', 'Cost', 'Internal', 'Time'],
  ProjStatus: ['Created', 'Estimated', 'Scheduled', 'InProcess', 'Completed'],
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
    str('SalesTaxGroupCode', 10, { description: 'Sales tax group of the order (sandbox: one per order)' }),
    dec('TotalDiscountPercentage'),
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
  // Prospect to cash: quotations (both ways) and invoices (created in F&O only).
  companySet('SalesQuotationHeadersV2', 'SalesQuotationHeaderV2', ['SalesQuotationNumber'], [
    str('SalesQuotationNumber', 20, { required: true }),
    str('RequestingCustomerAccountNumber', 20, { required: true }),
    str('SalesQuotationName', 100),
    str('CurrencyCode', 3),
    enumCol('SalesQuotationStatus', 'SalesQuotationStatus'),
    dt('RequestedShippingDate'),
  ]),
  companySet('SalesQuotationLines', 'SalesQuotationLine', ['SalesQuotationNumber', 'LineCreationSequenceNumber'], [
    str('SalesQuotationNumber', 20, { required: true }),
    int('LineCreationSequenceNumber', { required: true }),
    str('ItemNumber', 20, { required: true }),
    str('LineDescription', 1000),
    dec('RequestedSalesQuantity'),
    str('SalesUnitSymbol', 10),
    dec('SalesPrice'),
    dec('LineAmount'),
  ]),
  companySet('SalesInvoiceHeadersV2', 'SalesInvoiceHeaderV2', ['InvoiceNumber'], [
    str('InvoiceNumber', 20, { required: true }),
    dt('InvoiceDate'),
    str('SalesOrderNumber', 20),
    str('InvoiceCustomerAccountNumber', 20, { required: true }),
    str('CurrencyCode', 3),
    dec('TotalDiscountAmount'),
    dec('TotalTaxAmount'),
    dec('TotalInvoiceAmount'),
  ]),
  companySet('SalesInvoiceLinesV2', 'SalesInvoiceLineV2', ['InvoiceNumber', 'InvoiceLineNumber'], [
    str('InvoiceNumber', 20, { required: true }),
    int('InvoiceLineNumber', { required: true, description: 'sandbox choice of name' }),
    str('ItemNumber', 20, { required: true }),
    str('ProductName', 60),
    dec('InvoicedQuantity'),
    str('SalesUnitSymbol', 10),
    dec('SalesPrice'),
    dec('LineAmount'),
  ]),
  // Procure to pay.
  companySet('PurchaseOrderHeadersV2', 'PurchaseOrderHeaderV2', ['PurchaseOrderNumber'], [
    str('PurchaseOrderNumber', 20, { required: true }),
    str('OrderVendorAccountNumber', 20, { required: true }),
    str('InvoiceVendorAccountNumber', 20),
    str('PurchaseOrderName', 100),
    str('CurrencyCode', 3),
    enumCol('PurchaseOrderStatus', 'PurchStatus'),
    dt('RequestedDeliveryDate'),
    str('VendorOrderReference', 60),
  ]),
  companySet('PurchaseOrderLinesV2', 'PurchaseOrderLineV2', ['PurchaseOrderNumber', 'LineNumber'], [
    str('PurchaseOrderNumber', 20, { required: true }),
    dec('LineNumber', { required: true }),
    str('ItemNumber', 20, { required: true }),
    str('LineDescription', 1000),
    dec('OrderedPurchaseQuantity'),
    str('PurchaseUnitSymbol', 10),
    dec('PurchasePrice'),
    dec('LineAmount'),
    enumCol('PurchaseOrderLineStatus', 'PurchStatus'),
  ]),
  // On-demand: on-hand inventory per item, site and warehouse; sales tax groups for order totals.
  companySet('WarehousesOnHandV2', 'WarehouseOnHandV2', ['ItemNumber', 'InventorySiteId', 'InventoryWarehouseId'], [
    str('ItemNumber', 20, { required: true }),
    str('InventorySiteId', 10, { required: true }),
    str('InventoryWarehouseId', 10, { required: true }),
    dec('OnHandQuantity'),
    dec('ReservedOnHandQuantity'),
    dec('AvailableOnHandQuantity'),
    dec('OrderedQuantity'),
    dec('OnOrderQuantity'),
    dec('TotalAvailableQuantity'),
  ]),
  companySet('SalesTaxGroups', 'SalesTaxGroup', ['TaxGroupCode'], [
    str('TaxGroupCode', 10, { required: true }),
    str('Description', 60),
    dec('TaxPercentage', { description: 'Sandbox simplification: the summed rate of the group\'s tax codes' }),
  ]),
  // Notes and attachments of customers (DocuRef), kept in both systems.
  companySet('CustomerAttachmentsCDS', 'CustomerAttachmentCDS', ['CustomerAccount', 'AttachmentId'], [
    str('CustomerAccount', 20, { required: true }),
    str('AttachmentId', 40, { required: true, description: 'Sandbox choice: stable id of the DocuRef row' }),
    enumCol('DocumentType', 'DocuTypeGroup'),
    str('Name', 500),
    str('Notes', 100_000),
    str('FileName', 255),
    str('FileType', 100, { description: 'MIME type' }),
    str('FileContents', 5_000_000, { description: 'Base64 file body' }),
  ]),
  // Organization and finance/tax reference data.
  globalSet('OperatingUnits', 'OperatingUnit', ['OperatingUnitNumber'], [
    str('OperatingUnitNumber', 20, { required: true }),
    str('Name', 100),
    enumCol('OperatingUnitType', 'OMOperatingUnitType'),
  ]),
  globalSet('ExchangeRates', 'ExchangeRate', ['RateTypeName', 'FromCurrency', 'ToCurrency', 'StartDate'], [
    str('RateTypeName', 20, { required: true }),
    str('FromCurrency', 3, { required: true }),
    str('ToCurrency', 3, { required: true }),
    str('StartDate', 10, { required: true, description: 'Sandbox choice: yyyy-MM-dd text (a key column)' }),
    str('EndDate', 10),
    dec('Rate'),
  ]),
  globalSet('FiscalCalendars', 'FiscalCalendar', ['CalendarId'], [
    str('CalendarId', 10, { required: true }),
    str('Description', 60),
  ]),
  globalSet('FiscalCalendarPeriods', 'FiscalCalendarPeriod', ['CalendarId', 'PeriodName'], [
    str('CalendarId', 10, { required: true }),
    str('PeriodName', 60, { required: true, description: 'Unique in a calendar: year and period, e.g. 2026 P01' }),
    str('FiscalYearName', 10),
    enumCol('PeriodType', 'FiscalPeriodType'),
    dt('StartDate'),
    dt('EndDate'),
  ]),
  companySet('PaymentSchedules', 'PaymentSchedule', ['Name'], [
    str('Name', 30, { required: true }),
    str('Description', 60),
    int('NumberOfPayments'),
    int('IntervalMonths', { description: 'Sandbox choice: months between installments' }),
  ]),
  // Retail and HR reference data, read-mostly in Dataverse.
  globalSet('RetailChannels', 'RetailChannel', ['OperatingUnitNumber'], [
    str('OperatingUnitNumber', 20, { required: true }),
    str('Name', 100),
    enumCol('ChannelType', 'RetailChannelType'),
    str('Currency', 3),
  ]),
  globalSet('RetailDiscounts', 'RetailDiscount', ['OfferId'], [
    str('OfferId', 20, { required: true }),
    str('Name', 60),
    enumCol('Status', 'RetailDiscountStatus'),
    dec('DiscountPercentage'),
    str('ValidFrom', 10),
    str('ValidTo', 10),
  ]),
  globalSet('LoyaltyRewardPoints', 'LoyaltyRewardPoint', ['RewardPointId'], [
    str('RewardPointId', 20, { required: true }),
    str('Description', 60),
    enumCol('RewardPointType', 'RetailLoyaltyRewardPointType'),
    str('Currency', 3),
  ]),
  globalSet('LoyaltyCards', 'LoyaltyCard', ['CardNumber'], [
    str('CardNumber', 30, { required: true }),
    str('PartyNumber', 40),
    str('RewardPointId', 20),
    dec('PointBalance', { description: 'Sandbox choice: issued minus used points' }),
    enumCol('Blocked', 'NoYes'),
  ]),
  globalSet('Workers', 'Worker', ['PersonnelNumber'], [
    str('PersonnelNumber', 25, { required: true }),
    str('FirstName', 25),
    str('LastName', 25),
    str('Name', 100),
    enumCol('WorkerType', 'HcmWorkerType'),
    str('PrimaryEmail', 255),
  ]),
  // Project to cash and field assets.
  companySet('Projects', 'Project', ['ProjectID'], [
    str('ProjectID', 20, { required: true }),
    str('ProjectName', 60),
    str('CustomerAccount', 20),
    enumCol('ProjectType', 'ProjType'),
    enumCol('ProjectStage', 'ProjStatus'),
    str('ProjectManagerPersonnelNumber', 25),
  ]),
  companySet('Assets', 'Asset', ['AssetId'], [
    str('AssetId', 20, { required: true }),
    str('Name', 60),
    str('CustomerAccount', 20, { description: 'Empty for an in-house asset' }),
    str('ItemNumber', 20),
    str('SerialNumber', 20),
    str('FunctionalLocation', 60),
    str('ResponsibleWorkerPersonnelNumber', 25, { description: 'Field agent who services it' }),
  ]),
  // Contact persons of customers and vendors (CDS Contacts V2).
  companySet('ContactPersonsV2', 'ContactPersonV2', ['ContactPersonId'], [
    str('ContactPersonId', 20, { required: true }),
    str('FirstName', 25),
    str('LastName', 25),
    str('JobTitle', 60),
    str('PrimaryEmail', 255),
    str('PrimaryPhone', 255),
    enumCol('AssociatedContactType', 'ContactPersonAssociation'),
    str('CustomerAccount', 20, { description: 'The customer the person works for (AssociatedContactType Customer)' }),
    str('VendorAccount', 20, { description: 'The vendor the person works for (AssociatedContactType Vendor)' }),
  ]),
  // Global address book: parties, their postal addresses and electronic addresses (contact info).
  globalSet('CDSParties', 'CDSParty', ['PartyNumber'], [
    str('PartyNumber', 40, { required: true }),
    enumCol('PartyType', 'DirPartyType'),
    str('Name', 100),
    str('PersonFirstName', 25),
    str('PersonLastName', 25),
    str('LanguageId', 7),
  ]),
  globalSet('CDSPartyPostalAddresses', 'CDSPartyPostalAddress', ['PartyNumber', 'PartyLocationId'], [
    str('PartyNumber', 40, { required: true }),
    str('PartyLocationId', 30, { required: true, description: 'Location id (LogisticsLocation), unique per address' }),
    str('Description', 60),
    str('Street', 250),
    str('City', 60),
    str('State', 10),
    str('ZipCode', 10),
    str('CountryRegionId', 10),
    str('Roles', 200, { description: "Purposes, ';'-separated: Business, Delivery, Invoice, ..." }),
    enumCol('IsPrimary', 'NoYes'),
  ]),
  globalSet('PartyContactsV3', 'PartyContactV3', ['PartyNumber', 'ElectronicAddressId'], [
    str('PartyNumber', 40, { required: true }),
    str('ElectronicAddressId', 30, { required: true, description: 'Location id of the contact information' }),
    str('Description', 60),
    enumCol('Type', 'LogisticsElectronicAddressMethodType'),
    str('Locator', 255),
    str('Purpose', 200, { description: "Purposes, ';'-separated: Business, Delivery, Invoice, ..." }),
    enumCol('IsPrimary', 'NoYes'),
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
  { entitySet: 'SalesQuotationHeadersV2', column: 'RequestingCustomerAccountNumber', target: 'CustomersV3', targetColumn: 'CustomerAccount' },
  { entitySet: 'SalesQuotationHeadersV2', column: 'CurrencyCode', target: 'Currencies', targetColumn: 'CurrencyCode' },
  { entitySet: 'SalesQuotationLines', column: 'SalesQuotationNumber', target: 'SalesQuotationHeadersV2', targetColumn: 'SalesQuotationNumber' },
  { entitySet: 'SalesQuotationLines', column: 'ItemNumber', target: 'ReleasedProductsV2', targetColumn: 'ItemNumber' },
  { entitySet: 'SalesInvoiceHeadersV2', column: 'InvoiceCustomerAccountNumber', target: 'CustomersV3', targetColumn: 'CustomerAccount' },
  { entitySet: 'SalesInvoiceHeadersV2', column: 'CurrencyCode', target: 'Currencies', targetColumn: 'CurrencyCode' },
  { entitySet: 'SalesInvoiceLinesV2', column: 'InvoiceNumber', target: 'SalesInvoiceHeadersV2', targetColumn: 'InvoiceNumber' },
  { entitySet: 'SalesInvoiceLinesV2', column: 'ItemNumber', target: 'ReleasedProductsV2', targetColumn: 'ItemNumber' },
  { entitySet: 'SalesOrderHeadersV2', column: 'SalesTaxGroupCode', target: 'SalesTaxGroups', targetColumn: 'TaxGroupCode' },
  { entitySet: 'WarehousesOnHandV2', column: 'ItemNumber', target: 'ReleasedProductsV2', targetColumn: 'ItemNumber' },
  { entitySet: 'PurchaseOrderHeadersV2', column: 'OrderVendorAccountNumber', target: 'VendorsV2', targetColumn: 'VendorAccountNumber' },
  { entitySet: 'PurchaseOrderHeadersV2', column: 'CurrencyCode', target: 'Currencies', targetColumn: 'CurrencyCode' },
  { entitySet: 'PurchaseOrderLinesV2', column: 'PurchaseOrderNumber', target: 'PurchaseOrderHeadersV2', targetColumn: 'PurchaseOrderNumber' },
  { entitySet: 'PurchaseOrderLinesV2', column: 'ItemNumber', target: 'ReleasedProductsV2', targetColumn: 'ItemNumber' },
  { entitySet: 'CustomerAttachmentsCDS', column: 'CustomerAccount', target: 'CustomersV3', targetColumn: 'CustomerAccount' },
  { entitySet: 'ExchangeRates', column: 'FromCurrency', target: 'Currencies', targetColumn: 'CurrencyCode' },
  { entitySet: 'ExchangeRates', column: 'ToCurrency', target: 'Currencies', targetColumn: 'CurrencyCode' },
  { entitySet: 'FiscalCalendarPeriods', column: 'CalendarId', target: 'FiscalCalendars', targetColumn: 'CalendarId' },
  { entitySet: 'LoyaltyCards', column: 'RewardPointId', target: 'LoyaltyRewardPoints', targetColumn: 'RewardPointId' },
  { entitySet: 'LoyaltyCards', column: 'PartyNumber', target: 'CDSParties', targetColumn: 'PartyNumber' },
  { entitySet: 'Projects', column: 'CustomerAccount', target: 'CustomersV3', targetColumn: 'CustomerAccount' },
  { entitySet: 'Projects', column: 'ProjectManagerPersonnelNumber', target: 'Workers', targetColumn: 'PersonnelNumber' },
  { entitySet: 'Assets', column: 'CustomerAccount', target: 'CustomersV3', targetColumn: 'CustomerAccount' },
  { entitySet: 'Assets', column: 'ItemNumber', target: 'ReleasedProductsV2', targetColumn: 'ItemNumber' },
  { entitySet: 'Assets', column: 'ResponsibleWorkerPersonnelNumber', target: 'Workers', targetColumn: 'PersonnelNumber' },
  { entitySet: 'ContactPersonsV2', column: 'CustomerAccount', target: 'CustomersV3', targetColumn: 'CustomerAccount' },
  { entitySet: 'ContactPersonsV2', column: 'VendorAccount', target: 'VendorsV2', targetColumn: 'VendorAccountNumber' },
  { entitySet: 'CDSPartyPostalAddresses', column: 'PartyNumber', target: 'CDSParties', targetColumn: 'PartyNumber' },
  { entitySet: 'PartyContactsV3', column: 'PartyNumber', target: 'CDSParties', targetColumn: 'PartyNumber' },
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
  SalesQuotationHeadersV2: 'SalesQuotationHeaderV2Entity',
  SalesQuotationLines: 'SalesQuotationLineEntity',
  SalesInvoiceHeadersV2: 'SalesInvoiceHeaderV2Entity',
  SalesInvoiceLinesV2: 'SalesInvoiceLineV2Entity',
  PurchaseOrderHeadersV2: 'PurchPurchaseOrderHeaderV2Entity',
  PurchaseOrderLinesV2: 'PurchPurchaseOrderLineV2Entity',
  WarehousesOnHandV2: 'InventWarehouseOnHandV2Entity',
  SalesTaxGroups: 'TaxGroupEntity',
  CustomerAttachmentsCDS: 'DocuRefCustomerAttachmentCDSEntity',
  OperatingUnits: 'OMOperatingUnitEntity',
  ExchangeRates: 'ExchangeRateEntity',
  FiscalCalendars: 'FiscalCalendarEntity',
  FiscalCalendarPeriods: 'FiscalCalendarPeriodEntity',
  PaymentSchedules: 'PaymentScheduleEntity',
  RetailChannels: 'RetailChannelEntity',
  RetailDiscounts: 'RetailDiscountEntity',
  LoyaltyRewardPoints: 'RetailLoyaltyRewardPointEntity',
  LoyaltyCards: 'RetailLoyaltyCardEntity',
  Workers: 'HcmWorkerEntity',
  Projects: 'ProjProjectEntity',
  Assets: 'EntAssetObjectEntity',
  ContactPersonsV2: 'smmContactPersonCDSV2Entity',
  CDSParties: 'DirPartyCDSEntity',
  CDSPartyPostalAddresses: 'DirPartyPostalAddressLocationCDSEntity',
  PartyContactsV3: 'DirPartyContactV3Entity',
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
