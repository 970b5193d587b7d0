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
      lookup('parentcustomerid', 'accounts', 'parentcustomerid_account', { description: 'Customer lookup (account side of the polymorphic lookup)' }),
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
      lookup('customerid', 'accounts', 'customerid_account', { description: 'Customer lookup (account side)' }),
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
