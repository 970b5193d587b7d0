import type { ColumnSchema, EntitySetSchema } from '../../schema/entity-schema';

/**
 * The Dataverse entity sets the sandbox serves: real logical names, GUID primary keys, the
 * alternate keys dual-write's standard maps use as integration keys (the company lookup is part
 * of the key for company-specific tables), option sets as integers, statecode/statuscode and the
 * system columns createdon, modifiedon and versionnumber. Only a subset of each table's columns
 * is kept: the keys and what the standard maps sync. Lookups are declared by their logical name
 * (`msdyn_company`); on the wire they read as `_msdyn_company_value` and are written with
 * `<navigationProperty>@odata.bind`. Names with no public reference are marked "sandbox choice"
 * and listed in docs/sandboxes.md.
 */

export const DATAVERSE_NAMESPACE = 'Microsoft.Dynamics.CRM';

const str = (name: string, maxLength: number, extra: Partial<ColumnSchema> = {}): ColumnSchema => ({ name, type: 'string', maxLength, ...extra });
const money = (name: string, extra: Partial<ColumnSchema> = {}): ColumnSchema => ({ name, type: 'decimal', ...extra });
const int = (name: string, extra: Partial<ColumnSchema> = {}): ColumnSchema => ({ name, type: 'int', ...extra });
const bool = (name: string, extra: Partial<ColumnSchema> = {}): ColumnSchema => ({ name, type: 'bool', ...extra });
const lookup = (name: string, entitySet: string, navigationProperty = name, extra: Partial<ColumnSchema> = {}): ColumnSchema => ({
  name,
  type: 'lookup',
  lookup: { entitySet, navigationProperty },
  ...extra,
});
/** A polymorphic lookup (customer, regarding): one `_x_value`, a navigation property per target table. */
const polymorphicLookup = (name: string, targets: [entitySet: string, navigationProperty: string][], extra: Partial<ColumnSchema> = {}): ColumnSchema => ({
  name,
  type: 'lookup',
  lookup: { entitySet: targets[0]![0], navigationProperty: targets[0]![1], targets: targets.map(([entitySet, navigationProperty]) => ({ entitySet, navigationProperty })) },
  ...extra,
});
const customer = (name: string, description: string): ColumnSchema =>
  polymorphicLookup(name, [
    ['accounts', `${name}_account`],
    ['contacts', `${name}_contact`],
  ], { description });
const options = (name: string, values: [number, string][], extra: Partial<ColumnSchema> = {}): ColumnSchema => ({
  name,
  type: 'optionset',
  options: values.map(([value, label]) => ({ value, label })),
  ...extra,
});

const ACTIVE_STATE: [number, string][] = [
  [0, 'Active'],
  [1, 'Inactive'],
];
const ACTIVE_STATUS: [number, string][] = [
  [1, 'Active'],
  [2, 'Inactive'],
];

/** statuscode values allowed for each statecode (Dataverse rejects other pairs). */
export type StateStatusMap = Record<number, number[]>;

function system(primaryKey: string, states: [number, string][] = ACTIVE_STATE, statuses: [number, string][] = ACTIVE_STATUS): ColumnSchema[] {
  return [
    { name: primaryKey, type: 'guid', readOnly: false, description: 'Primary key (GUID); may be given on create' },
    options('statecode', states, { description: 'Status' }),
    options('statuscode', statuses, { description: 'Status reason' }),
    { name: 'createdon', type: 'datetime', readOnly: true },
    { name: 'modifiedon', type: 'datetime', readOnly: true },
    { name: 'versionnumber', type: 'bigint', readOnly: true },
  ];
}

const company = lookup('msdyn_company', 'cdm_companies', 'msdyn_company', { description: 'Company (cdm_company) the row belongs to; part of the integration key' });

function address(n: 1 | 2): ColumnSchema[] {
  const p = `address${n}_`;
  return [str(`${p}name`, 200), str(`${p}line1`, 250), str(`${p}line2`, 250), str(`${p}city`, 80), str(`${p}stateorprovince`, 50), str(`${p}postalcode`, 20), str(`${p}country`, 80)];
}

function table(def: Omit<EntitySetSchema, 'system' | 'modifiedColumn' | 'changeTracking'>): EntitySetSchema {
  return { system: 'dataverse', modifiedColumn: 'modifiedon', changeTracking: true, ...def };
}

export const DATAVERSE_ENTITY_SETS: EntitySetSchema[] = [
  table({
    entitySet: 'cdm_companies',
    entityType: 'cdm_company',
    primaryKey: ['cdm_companyid'],
    alternateKeys: [{ name: 'cdm_companycode_key', columns: ['cdm_companycode'] }],
    companySpecific: false,
    columns: [...system('cdm_companyid'), str('cdm_companycode', 4, { required: true, description: 'F&O legal entity id (dataAreaId)' }), str('cdm_name', 100)],
  }),
  table({
    entitySet: 'transactioncurrencies',
    entityType: 'transactioncurrency',
    primaryKey: ['transactioncurrencyid'],
    alternateKeys: [{ name: 'isocurrencycode_key', columns: ['isocurrencycode'] }],
    companySpecific: false,
    columns: [
      ...system('transactioncurrencyid'),
      str('isocurrencycode', 5, { required: true }),
      str('currencyname', 100, { required: true }),
      str('currencysymbol', 10, { required: true }),
      int('currencyprecision'),
      { name: 'exchangerate', type: 'decimal', required: true },
    ],
  }),
  table({
    entitySet: 'uoms',
    entityType: 'uom',
    primaryKey: ['uomid'],
    // Sandbox choice: Units map UNITSYMBOL to msdyn_symbol, so that is the integration key here.
    alternateKeys: [{ name: 'msdyn_symbol_key', columns: ['msdyn_symbol'] }],
    companySpecific: false,
    columns: [...system('uomid'), str('name', 100, { required: true }), str('msdyn_symbol', 10), { name: 'quantity', type: 'decimal' }, bool('isschedulebaseuom')],
  }),
  table({
    entitySet: 'msdyn_paymentterms',
    entityType: 'msdyn_paymentterm',
    primaryKey: ['msdyn_paymenttermid'],
    alternateKeys: [{ name: 'msdyn_name_company_key', columns: ['msdyn_name', 'msdyn_company'] }],
    companySpecific: true,
    companyColumn: 'msdyn_company',
    columns: [
      ...system('msdyn_paymenttermid'),
      str('msdyn_name', 10, { required: true, description: 'Terms of payment id' }),
      str('msdyn_description', 60),
      int('msdyn_numberofdays', { description: 'sandbox choice' }),
      options('msdyn_paymentmethod', [
        [192350000, 'Net'],
        [192350001, 'Current month'],
        [192350002, 'Current quarter'],
        [192350003, 'Current year'],
        [192350004, 'Current week'],
        [192350005, 'COD'],
      ], { description: 'sandbox choice' }),
      company,
    ],
  }),
  table({
    entitySet: 'msdyn_customergroups',
    entityType: 'msdyn_customergroup',
    primaryKey: ['msdyn_customergroupid'],
    alternateKeys: [{ name: 'msdyn_groupid_company_key', columns: ['msdyn_groupid', 'msdyn_company'] }],
    companySpecific: true,
    companyColumn: 'msdyn_company',
    columns: [
      ...system('msdyn_customergroupid'),
      str('msdyn_groupid', 10, { required: true }),
      str('msdyn_description', 60),
      lookup('msdyn_paymenttermid', 'msdyn_paymentterms'),
      company,
    ],
  }),
  table({
    entitySet: 'accounts',
    entityType: 'account',
    primaryKey: ['accountid'],
    alternateKeys: [{ name: 'accountnumber_company_key', columns: ['accountnumber', 'msdyn_company'] }],
    companySpecific: true,
    companyColumn: 'msdyn_company',
    columns: [
      ...system('accountid'),
      str('name', 160, { required: true }),
      str('accountnumber', 20),
      str('msdyn_partynumber', 40),
      str('telephone1', 50),
      str('fax', 50),
      str('emailaddress1', 100),
      str('websiteurl', 200),
      ...address(1),
      ...address(2),
      money('creditlimit'),
      bool('creditonhold'),
      money('revenue'),
      str('description', 2000),
      options('customertypecode', [
        [1, 'Competitor'],
        [2, 'Consultant'],
        [3, 'Customer'],
        [4, 'Investor'],
        [5, 'Partner'],
        [6, 'Influencer'],
        [7, 'Press'],
        [8, 'Prospect'],
        [9, 'Reseller'],
        [10, 'Supplier'],
        [11, 'Vendor'],
        [12, 'Other'],
      ]),
      options('accountcategorycode', [
        [1, 'Preferred Customer'],
        [2, 'Standard'],
      ]),
      lookup('msdyn_customergroupid', 'msdyn_customergroups'),
      lookup('msdyn_paymentterm', 'msdyn_paymentterms', 'msdyn_paymentterm', { description: 'sandbox choice of name' }),
      lookup('transactioncurrencyid', 'transactioncurrencies'),
      lookup('msdyn_billingaccount', 'accounts'),
      lookup('primarycontactid', 'contacts'),
      company,
    ],
  }),
  table({
    entitySet: 'contacts',
    entityType: 'contact',
    primaryKey: ['contactid'],
    alternateKeys: [{ name: 'msdyn_contactpersonid_company_key', columns: ['msdyn_contactpersonid', 'msdyn_company'] }],
    companySpecific: true,
    companyColumn: 'msdyn_company',
    columns: [
      ...system('contactid'),
      str('firstname', 50),
      str('lastname', 50, { required: true }),
      str('fullname', 160, { readOnly: true, description: 'Computed from firstname and lastname' }),
      str('msdyn_contactpersonid', 20, { description: 'F&O customer account / contact person id' }),
      str('emailaddress1', 100),
      str('telephone1', 50),
      str('mobilephone', 50),
      str('jobtitle', 100),
      ...address(1),
      bool('msdyn_sellable'),
      bool('msdyn_contactforvendor'),
      customer('parentcustomerid', 'Company or person the contact belongs to (polymorphic: account or contact)'),
      lookup('msdyn_vendor', 'msdyn_vendors', 'msdyn_vendor', { description: 'sandbox choice: the vendor a vendor contact works for' }),
      lookup('transactioncurrencyid', 'transactioncurrencies'),
      company,
    ],
  }),
  table({
    entitySet: 'msdyn_vendorgroups',
    entityType: 'msdyn_vendorgroup',
    primaryKey: ['msdyn_vendorgroupid'],
    alternateKeys: [{ name: 'msdyn_vendorgroup_company_key', columns: ['msdyn_vendorgroup', 'msdyn_company'] }],
    companySpecific: true,
    companyColumn: 'msdyn_company',
    columns: [...system('msdyn_vendorgroupid'), str('msdyn_vendorgroup', 10, { required: true }), str('msdyn_description', 60), lookup('msdyn_paymenttermid', 'msdyn_paymentterms'), company],
  }),
  table({
    entitySet: 'msdyn_vendors',
    entityType: 'msdyn_vendor',
    primaryKey: ['msdyn_vendorid'],
    alternateKeys: [{ name: 'msdyn_vendoraccountnumber_company_key', columns: ['msdyn_vendoraccountnumber', 'msdyn_company'] }],
    companySpecific: true,
    companyColumn: 'msdyn_company',
    columns: [
      ...system('msdyn_vendorid'),
      str('msdyn_vendoraccountnumber', 20, { required: true }),
      str('msdyn_name', 100, { required: true }),
      str('msdyn_telephone1', 50, { description: 'sandbox choice' }),
      str('msdyn_emailaddress1', 100, { description: 'sandbox choice' }),
      str('msdyn_address1_line1', 250, { description: 'sandbox choice' }),
      str('msdyn_address1_city', 80, { description: 'sandbox choice' }),
      str('msdyn_address1_postalcode', 20, { description: 'sandbox choice' }),
      str('msdyn_address1_country', 80, { description: 'sandbox choice' }),
      bool('msdyn_onhold', { description: 'sandbox choice' }),
      lookup('msdyn_vendorgroupid', 'msdyn_vendorgroups'),
      lookup('msdyn_paymentterm', 'msdyn_paymentterms', 'msdyn_paymentterm', { description: 'sandbox choice' }),
      lookup('transactioncurrencyid', 'transactioncurrencies'),
      company,
    ],
  }),
  table({
    entitySet: 'products',
    entityType: 'product',
    primaryKey: ['productid'],
    alternateKeys: [{ name: 'productnumber_key', columns: ['productnumber'] }],
    companySpecific: false,
    columns: [
      ...system(
        'productid',
        [
          [0, 'Active'],
          [1, 'Retired'],
          [2, 'Draft'],
          [3, 'Under Revision'],
        ],
        [
          [1, 'Active'],
          [2, 'Retired'],
          [0, 'Draft'],
          [3, 'Under Revision'],
        ],
      ),
      str('productnumber', 100, { required: true }),
      str('name', 100, { required: true }),
      str('description', 2000),
      options('producttypecode', [
        [1, 'Sales Inventory'],
        [2, 'Miscellaneous Charges'],
        [3, 'Services'],
        [4, 'Flat Fees'],
      ]),
      int('quantitydecimal'),
      money('price'),
      money('standardcost'),
      money('currentcost'),
      lookup('defaultuomid', 'uoms'),
      lookup('transactioncurrencyid', 'transactioncurrencies'),
    ],
  }),
  table({
    entitySet: 'salesorders',
    entityType: 'salesorder',
    primaryKey: ['salesorderid'],
    alternateKeys: [{ name: 'ordernumber_company_key', columns: ['ordernumber', 'msdyn_company'] }],
    companySpecific: true,
    companyColumn: 'msdyn_company',
    columns: [
      ...system(
        'salesorderid',
        [
          [0, 'Active'],
          [1, 'Submitted'],
          [2, 'Canceled'],
          [3, 'Fulfilled'],
          [4, 'Invoiced'],
        ],
        [
          [1, 'New'],
          [2, 'Pending'],
          [3, 'In Progress'],
          [4, 'No Money'],
          [100001, 'Complete'],
          [100002, 'Partial'],
          [100003, 'Invoiced'],
        ],
      ),
      str('ordernumber', 100, { required: true }),
      str('name', 300, { required: true }),
      str('description', 2000),
      { name: 'requestdeliveryby', type: 'date' },
      money('totalamount'),
      money('discountpercentage'),
      money('totallineitemamount'),
      money('totaldiscountamount'),
      money('totaltax'),
      customer('customerid', 'Customer (polymorphic: account or contact)'),
      lookup('transactioncurrencyid', 'transactioncurrencies'),
      company,
    ],
  }),
  table({
    entitySet: 'salesorderdetails',
    entityType: 'salesorderdetail',
    primaryKey: ['salesorderdetailid'],
    alternateKeys: [{ name: 'salesorder_lineitemnumber_key', columns: ['salesorderid', 'lineitemnumber'] }],
    companySpecific: true,
    companyColumn: 'msdyn_company',
    columns: [
      ...system('salesorderdetailid'),
      lookup('salesorderid', 'salesorders', 'salesorderid', { required: true }),
      int('lineitemnumber', { required: true }),
      lookup('productid', 'products'),
      lookup('uomid', 'uoms'),
      { name: 'quantity', type: 'decimal', required: true },
      money('priceperunit'),
      money('baseamount'),
      money('extendedamount'),
      str('productdescription', 500),
      company,
    ],
  }),
  // Prospect to cash: quotes (both ways) and invoices (from F&O only).
  table({
    entitySet: 'quotes',
    entityType: 'quote',
    primaryKey: ['quoteid'],
    alternateKeys: [{ name: 'msdyn_quotenumber_company_key', columns: ['msdyn_quotenumber', 'msdyn_company'] }],
    companySpecific: true,
    companyColumn: 'msdyn_company',
    columns: [
      ...system('quoteid'),
      str('msdyn_quotenumber', 100, { required: true, description: 'F&O sales quotation number (dual-write key)' }),
      str('name', 300, { required: true }),
      { name: 'requestdeliveryby', type: 'date' },
      money('totalamount'),
      customer('customerid', 'Customer (polymorphic: account or contact)'),
      lookup('transactioncurrencyid', 'transactioncurrencies'),
      company,
    ],
  }),
  table({
    entitySet: 'quotedetails',
    entityType: 'quotedetail',
    primaryKey: ['quotedetailid'],
    alternateKeys: [{ name: 'quote_sequencenumber_key', columns: ['quoteid', 'sequencenumber'] }],
    companySpecific: true,
    companyColumn: 'msdyn_company',
    columns: [
      ...system('quotedetailid'),
      lookup('quoteid', 'quotes', 'quoteid', { required: true }),
      int('sequencenumber', { required: true }),
      lookup('productid', 'products'),
      lookup('uomid', 'uoms'),
      { name: 'quantity', type: 'decimal', required: true },
      money('priceperunit'),
      money('extendedamount'),
      str('productdescription', 500),
      company,
    ],
  }),
  table({
    entitySet: 'invoices',
    entityType: 'invoice',
    primaryKey: ['invoiceid'],
    alternateKeys: [{ name: 'invoicenumber_company_key', columns: ['invoicenumber', 'msdyn_company'] }],
    companySpecific: true,
    companyColumn: 'msdyn_company',
    columns: [
      ...system('invoiceid'),
      str('invoicenumber', 100, { required: true }),
      str('name', 300, { required: true }),
      { name: 'msdyn_invoicedate', type: 'date', description: 'sandbox choice' },
      money('totaldiscountamount'),
      money('totaltax'),
      money('totalamount'),
      customer('customerid', 'Customer (polymorphic: account or contact)'),
      lookup('salesorderid', 'salesorders'),
      lookup('transactioncurrencyid', 'transactioncurrencies'),
      company,
    ],
  }),
  table({
    entitySet: 'invoicedetails',
    entityType: 'invoicedetail',
    primaryKey: ['invoicedetailid'],
    alternateKeys: [{ name: 'msdyn_invoicenumber_lineitemnumber_company_key', columns: ['msdyn_invoicenumber', 'lineitemnumber', 'msdyn_company'] }],
    companySpecific: true,
    companyColumn: 'msdyn_company',
    columns: [
      ...system('invoicedetailid'),
      str('msdyn_invoicenumber', 100, { required: true, description: 'sandbox choice: the invoice number, part of the key' }),
      lookup('invoiceid', 'invoices', 'invoiceid', { required: true }),
      int('lineitemnumber', { required: true }),
      lookup('productid', 'products'),
      lookup('uomid', 'uoms'),
      { name: 'quantity', type: 'decimal', required: true },
      money('priceperunit'),
      money('extendedamount'),
      str('productdescription', 500),
      company,
    ],
  }),
  // Procure to pay (Supply Chain tables; column names are sandbox choices).
  table({
    entitySet: 'msdyn_purchaseorders',
    entityType: 'msdyn_purchaseorder',
    primaryKey: ['msdyn_purchaseorderid'],
    alternateKeys: [{ name: 'msdyn_purchaseordernumber_company_key', columns: ['msdyn_purchaseordernumber', 'msdyn_company'] }],
    companySpecific: true,
    companyColumn: 'msdyn_company',
    columns: [
      ...system('msdyn_purchaseorderid'),
      str('msdyn_purchaseordernumber', 20, { required: true }),
      str('msdyn_name', 100),
      str('msdyn_vendororderreference', 60, { description: 'sandbox choice' }),
      { name: 'msdyn_requesteddeliverydate', type: 'date', description: 'sandbox choice' },
      options('msdyn_purchaseorderstatus', [[192350000, 'None'], [192350001, 'Backorder'], [192350002, 'Received'], [192350003, 'Invoiced'], [192350004, 'Canceled']], { description: 'sandbox choice' }),
      lookup('msdyn_vendor', 'msdyn_vendors', 'msdyn_vendor', { description: 'Order vendor' }),
      lookup('transactioncurrencyid', 'transactioncurrencies'),
      company,
    ],
  }),
  table({
    entitySet: 'msdyn_purchaseorderproducts',
    entityType: 'msdyn_purchaseorderproduct',
    primaryKey: ['msdyn_purchaseorderproductid'],
    alternateKeys: [{ name: 'msdyn_purchaseorder_linenumber_key', columns: ['msdyn_purchaseorder', 'msdyn_linenumber'] }],
    companySpecific: true,
    companyColumn: 'msdyn_company',
    columns: [
      ...system('msdyn_purchaseorderproductid'),
      lookup('msdyn_purchaseorder', 'msdyn_purchaseorders', 'msdyn_purchaseorder', { required: true }),
      int('msdyn_linenumber', { required: true }),
      lookup('msdyn_product', 'products'),
      lookup('msdyn_unit', 'uoms'),
      { name: 'msdyn_quantity', type: 'decimal', required: true },
      money('msdyn_unitcost'),
      money('msdyn_totalcost'),
      str('msdyn_description', 1000),
      company,
    ],
  }),
  // Notes and attachments. objectid is polymorphic in Dataverse; the sandbox declares its account and contact targets.
  table({
    entitySet: 'annotations',
    entityType: 'annotation',
    primaryKey: ['annotationid'],
    alternateKeys: [{ name: 'objectid_msdyn_attachmentid_key', columns: ['objectid', 'msdyn_attachmentid'] }],
    companySpecific: true,
    companyColumn: 'msdyn_company',
    columns: [
      ...system('annotationid'),
      customer('objectid', 'Regarding (polymorphic; the sandbox declares its account and contact targets)'),
      str('objecttypecode', 64, { description: 'Logical name of the regarding table, e.g. account' }),
      str('msdyn_attachmentid', 40, { description: 'sandbox choice: F&O attachment id (integration key)' }),
      str('subject', 500),
      str('notetext', 100_000),
      bool('isdocument'),
      str('filename', 255),
      str('mimetype', 256),
      str('documentbody', 5_000_000, { description: 'Base64 file body' }),
      company,
    ],
  }),
  // Organization and finance/tax reference data (table and column names: sandbox choices where not public).
  table({
    entitySet: 'msdyn_internalorganizations',
    entityType: 'msdyn_internalorganization',
    primaryKey: ['msdyn_internalorganizationid'],
    alternateKeys: [{ name: 'msdyn_number_key', columns: ['msdyn_number'] }],
    companySpecific: false,
    columns: [
      ...system('msdyn_internalorganizationid'),
      str('msdyn_number', 20, { required: true, description: 'sandbox choice' }),
      str('msdyn_name', 100),
      options('msdyn_type', [[192350000, 'None'], [192350001, 'Department'], [192350002, 'Cost center'], [192350003, 'Value stream'], [192350004, 'Business unit'], [192350005, 'Retail channel']]),
    ],
  }),
  table({
    entitySet: 'msdyn_taxgroups',
    entityType: 'msdyn_taxgroup',
    primaryKey: ['msdyn_taxgroupid'],
    alternateKeys: [{ name: 'msdyn_taxgroup_company_key', columns: ['msdyn_taxgroup', 'msdyn_company'] }],
    companySpecific: true,
    companyColumn: 'msdyn_company',
    columns: [
      ...system('msdyn_taxgroupid'),
      str('msdyn_taxgroup', 10, { required: true }),
      str('msdyn_description', 60),
      money('msdyn_taxpercentage', { description: 'sandbox choice' }),
      company,
    ],
  }),
  table({
    entitySet: 'msdyn_currencyexchangerates',
    entityType: 'msdyn_currencyexchangerate',
    primaryKey: ['msdyn_currencyexchangerateid'],
    alternateKeys: [{ name: 'msdyn_rate_key', columns: ['msdyn_ratetype', 'msdyn_fromcurrencycode', 'msdyn_tocurrencycode', 'msdyn_startdate'] }],
    companySpecific: false,
    columns: [
      ...system('msdyn_currencyexchangerateid'),
      str('msdyn_ratetype', 20, { required: true }),
      str('msdyn_fromcurrencycode', 5, { required: true, description: 'sandbox choice: ISO code, part of the key' }),
      str('msdyn_tocurrencycode', 5, { required: true, description: 'sandbox choice: ISO code, part of the key' }),
      lookup('msdyn_fromcurrency', 'transactioncurrencies', 'msdyn_fromcurrency', { required: true }),
      lookup('msdyn_tocurrency', 'transactioncurrencies', 'msdyn_tocurrency', { required: true }),
      str('msdyn_startdate', 10, { required: true, description: 'sandbox choice: yyyy-MM-dd text (a key column)' }),
      str('msdyn_enddate', 10),
      money('msdyn_rate'),
    ],
  }),
  table({
    entitySet: 'msdyn_fiscalcalendars',
    entityType: 'msdyn_fiscalcalendar',
    primaryKey: ['msdyn_fiscalcalendarid'],
    alternateKeys: [{ name: 'msdyn_calendarid_key', columns: ['msdyn_calendarid'] }],
    companySpecific: false,
    columns: [
      ...system('msdyn_fiscalcalendarid'),
      str('msdyn_calendarid', 10, { required: true }),
      str('msdyn_description', 60),
    ],
  }),
  table({
    entitySet: 'msdyn_fiscalperiods',
    entityType: 'msdyn_fiscalperiod',
    primaryKey: ['msdyn_fiscalperiodid'],
    alternateKeys: [{ name: 'msdyn_calendarid_periodname_key', columns: ['msdyn_calendarid', 'msdyn_periodname'] }],
    companySpecific: false,
    columns: [
      ...system('msdyn_fiscalperiodid'),
      str('msdyn_calendarid', 10, { required: true, description: 'sandbox choice: calendar id, part of the key' }),
      lookup('msdyn_fiscalcalendar', 'msdyn_fiscalcalendars', 'msdyn_fiscalcalendar', { required: true }),
      str('msdyn_periodname', 60, { required: true }),
      str('msdyn_fiscalyear', 10),
      options('msdyn_periodtype', [[192350000, 'Opening'], [192350001, 'Operating'], [192350002, 'Closing']]),
      { name: 'msdyn_startdate', type: 'date' },
      { name: 'msdyn_enddate', type: 'date' },
    ],
  }),
  table({
    entitySet: 'msdyn_paymentschedules',
    entityType: 'msdyn_paymentschedule',
    primaryKey: ['msdyn_paymentscheduleid'],
    alternateKeys: [{ name: 'msdyn_name_company_key', columns: ['msdyn_name', 'msdyn_company'] }],
    companySpecific: true,
    companyColumn: 'msdyn_company',
    columns: [
      ...system('msdyn_paymentscheduleid'),
      str('msdyn_name', 30, { required: true }),
      str('msdyn_description', 60),
      int('msdyn_numberofinstallments'),
      int('msdyn_intervalmonths'),
      company,
    ],
  }),
  // Retail and HR reference data.
  table({
    entitySet: 'msdyn_retailchannels',
    entityType: 'msdyn_retailchannel',
    primaryKey: ['msdyn_retailchannelid'],
    alternateKeys: [{ name: 'msdyn_operatingunitnumber_key', columns: ['msdyn_operatingunitnumber'] }],
    companySpecific: false,
    columns: [
      ...system('msdyn_retailchannelid'),
      str('msdyn_operatingunitnumber', 20, { required: true }),
      str('msdyn_name', 100),
      options('msdyn_channeltype', [[192350000, 'Retail store'], [192350001, 'Online store'], [192350002, 'Call center']]),
      lookup('transactioncurrencyid', 'transactioncurrencies'),
    ],
  }),
  table({
    entitySet: 'msdyn_retaildiscounts',
    entityType: 'msdyn_retaildiscount',
    primaryKey: ['msdyn_retaildiscountid'],
    alternateKeys: [{ name: 'msdyn_offerid_key', columns: ['msdyn_offerid'] }],
    companySpecific: false,
    columns: [
      ...system('msdyn_retaildiscountid'),
      str('msdyn_offerid', 20, { required: true }),
      str('msdyn_name', 60),
      bool('msdyn_enabled'),
      money('msdyn_discountpercentage'),
      { name: 'msdyn_validfrom', type: 'date' },
      { name: 'msdyn_validto', type: 'date' },
    ],
  }),
  table({
    entitySet: 'msdyn_loyaltyrewardpoints',
    entityType: 'msdyn_loyaltyrewardpoint',
    primaryKey: ['msdyn_loyaltyrewardpointid'],
    alternateKeys: [{ name: 'msdyn_rewardpointid_key', columns: ['msdyn_rewardpointid'] }],
    companySpecific: false,
    columns: [
      ...system('msdyn_loyaltyrewardpointid'),
      str('msdyn_rewardpointid', 20, { required: true }),
      str('msdyn_description', 60),
      options('msdyn_rewardpointtype', [[192350000, 'Amount'], [192350001, 'Quantity']]),
      lookup('transactioncurrencyid', 'transactioncurrencies'),
    ],
  }),
  table({
    entitySet: 'msdyn_loyaltycards',
    entityType: 'msdyn_loyaltycard',
    primaryKey: ['msdyn_loyaltycardid'],
    alternateKeys: [{ name: 'msdyn_cardnumber_key', columns: ['msdyn_cardnumber'] }],
    companySpecific: false,
    columns: [
      ...system('msdyn_loyaltycardid'),
      str('msdyn_cardnumber', 30, { required: true }),
      lookup('msdyn_party', 'msdyn_parties'),
      lookup('msdyn_rewardpoint', 'msdyn_loyaltyrewardpoints'),
      money('msdyn_pointbalance'),
      bool('msdyn_blocked'),
    ],
  }),
  table({
    entitySet: 'cdm_workers',
    entityType: 'cdm_worker',
    primaryKey: ['cdm_workerid'],
    alternateKeys: [{ name: 'cdm_workernumber_key', columns: ['cdm_workernumber'] }],
    companySpecific: false,
    columns: [
      ...system('cdm_workerid'),
      str('cdm_workernumber', 25, { required: true }),
      str('cdm_firstname', 25),
      str('cdm_lastname', 25),
      str('cdm_fullname', 100),
      options('cdm_type', [[754400000, 'Employee'], [754400001, 'Contractor']]),
      str('cdm_primaryemailaddress', 255),
    ],
  }),
  // Project to cash and field assets.
  table({
    entitySet: 'msdyn_projects',
    entityType: 'msdyn_project',
    primaryKey: ['msdyn_projectid'],
    alternateKeys: [{ name: 'msdyn_projectnumber_company_key', columns: ['msdyn_projectnumber', 'msdyn_company'] }],
    companySpecific: true,
    companyColumn: 'msdyn_company',
    columns: [
      ...system('msdyn_projectid'),
      str('msdyn_projectnumber', 20, { required: true, description: 'sandbox choice: F&O project id' }),
      str('msdyn_subject', 200),
      lookup('msdyn_customer', 'accounts', 'msdyn_customer_account', { description: 'Customer (account side)' }),
      options('msdyn_projecttype', [[192350000, 'Time and material'], [192350001, 'Fixed price'], [192350002, 'Investment'], [192350003, 'Cost'], [192350004, 'Internal'], [192350005, 'Time']], { description: 'sandbox choice' }),
      options('msdyn_projectstage', [[192350000, 'Created'], [192350001, 'Estimated'], [192350002, 'Scheduled'], [192350003, 'In process'], [192350004, 'Completed']], { description: 'sandbox choice' }),
      lookup('msdyn_projectmanager', 'cdm_workers', 'msdyn_projectmanager', { description: 'sandbox choice: the manager as a worker' }),
      company,
    ],
  }),
  table({
    entitySet: 'msdyn_customerassets',
    entityType: 'msdyn_customerasset',
    primaryKey: ['msdyn_customerassetid'],
    alternateKeys: [{ name: 'msdyn_assetnumber_company_key', columns: ['msdyn_assetnumber', 'msdyn_company'] }],
    companySpecific: true,
    companyColumn: 'msdyn_company',
    columns: [
      ...system('msdyn_customerassetid'),
      str('msdyn_assetnumber', 20, { required: true, description: 'sandbox choice: F&O asset id' }),
      str('msdyn_name', 100, { required: true }),
      lookup('msdyn_account', 'accounts', 'msdyn_account', { description: 'Owning customer; empty for in-house assets' }),
      lookup('msdyn_product', 'products'),
      str('msdyn_serialnumber', 20, { description: 'sandbox choice' }),
      str('msdyn_functionallocation', 60, { description: 'sandbox choice' }),
      lookup('msdyn_fieldagent', 'cdm_workers', 'msdyn_fieldagent', { description: 'sandbox choice: the field agent who services it' }),
      company,
    ],
  }),
  // Global address book: parties, postal addresses with roles, electronic addresses.
  table({
    entitySet: 'msdyn_parties',
    entityType: 'msdyn_party',
    primaryKey: ['msdyn_partyid'],
    alternateKeys: [{ name: 'msdyn_partynumber_key', columns: ['msdyn_partynumber'] }],
    companySpecific: false,
    columns: [
      ...system('msdyn_partyid'),
      str('msdyn_partynumber', 40, { required: true }),
      options('msdyn_partytype', [[192350000, 'None'], [192350001, 'Person'], [192350002, 'Organization']]),
      str('msdyn_name', 100),
      str('msdyn_firstname', 25),
      str('msdyn_lastname', 25),
      str('msdyn_languageid', 7, { description: 'sandbox choice' }),
    ],
  }),
  table({
    entitySet: 'msdyn_partypostaladdresses',
    entityType: 'msdyn_partypostaladdress',
    primaryKey: ['msdyn_partypostaladdressid'],
    alternateKeys: [{ name: 'msdyn_party_locationid_key', columns: ['msdyn_partyid', 'msdyn_locationid'] }],
    companySpecific: false,
    columns: [
      ...system('msdyn_partypostaladdressid'),
      lookup('msdyn_partyid', 'msdyn_parties', 'msdyn_partyid', { required: true }),
      str('msdyn_locationid', 30, { required: true }),
      str('msdyn_name', 60),
      str('msdyn_street', 250),
      str('msdyn_city', 60),
      str('msdyn_state', 10),
      str('msdyn_zippostalcode', 10),
      str('msdyn_countryregionid', 10),
      str('msdyn_addressroles', 200, { description: "sandbox choice: purposes, ';'-separated" }),
      bool('msdyn_isprimary'),
    ],
  }),
  table({
    entitySet: 'msdyn_partyelectronicaddresses',
    entityType: 'msdyn_partyelectronicaddress',
    primaryKey: ['msdyn_partyelectronicaddressid'],
    alternateKeys: [{ name: 'msdyn_party_electronicaddressid_key', columns: ['msdyn_partyid', 'msdyn_electronicaddressid'] }],
    companySpecific: false,
    columns: [
      ...system('msdyn_partyelectronicaddressid'),
      lookup('msdyn_partyid', 'msdyn_parties', 'msdyn_partyid', { required: true }),
      str('msdyn_electronicaddressid', 30, { required: true }),
      str('msdyn_name', 60),
      options('msdyn_type', [[192350000, 'None'], [192350001, 'Phone'], [192350002, 'Email'], [192350003, 'URL'], [192350004, 'Telex'], [192350005, 'Fax']]),
      str('msdyn_locator', 255),
      str('msdyn_purpose', 200, { description: "sandbox choice: purposes, ';'-separated" }),
      bool('msdyn_isprimary'),
    ],
  }),
];

export function dataverseEntitySet(name: string): EntitySetSchema | undefined {
  return DATAVERSE_ENTITY_SETS.find((s) => s.entitySet === name);
}

/** statuscode values allowed with each statecode, per entity set (Dataverse validates the pair). */
export const DATAVERSE_STATE_STATUS: Record<string, StateStatusMap> = Object.fromEntries(
  DATAVERSE_ENTITY_SETS.map((s) => {
    switch (s.entitySet) {
      case 'products':
        return [s.entitySet, { 0: [1], 1: [2], 2: [0], 3: [3] }];
      case 'salesorders':
        return [s.entitySet, { 0: [1, 2, 3], 1: [4], 2: [4], 3: [100001, 100002], 4: [100003] }];
      default:
        return [s.entitySet, { 0: [1], 1: [2] }];
    }
  }),
);
