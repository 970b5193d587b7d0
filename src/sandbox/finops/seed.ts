import type { EntityStore, Row } from '../shared/entity-store';
import { SeededRandom, type Locale } from '../shared/seed-random';
import { withFinopsDefaults } from './entities';

/**
 * Deterministic F&O demo data: the same seed and sizes always give the same rows. Reference data
 * (companies, currencies, units, payment terms, customer and vendor groups) is fixed; customers,
 * vendors, products and sales orders are generated, with consistent references (every customer's
 * group, currency and payment terms exist in its company; order lines point at products of the
 * order's company). Rows go in through the store's bulk loader, in chunks, so a million customers
 * load in well under two minutes.
 */

export interface FinopsSeedOptions {
  seed?: number;
  /** Total customers, spread over the companies. */
  customers?: number;
  vendors?: number;
  products?: number;
  salesOrders?: number;
  /** Total purchase orders (default DEFAULT_PURCHASE_ORDERS), spread over the companies. */
  purchaseOrders?: number;
  /** Called after each chunk of generated rows (for progress output). */
  onProgress?: (entitySet: string, done: number, total: number) => void;
}

export const DEFAULT_SEED_SIZES = { customers: 300, vendors: 90, products: 150, salesOrders: 60 } as const;
export const DEFAULT_PURCHASE_ORDERS = 30;

interface Company {
  id: string;
  name: string;
  currency: string;
  language: string;
  prefix: string;
  locales: Partial<Record<Locale, number>>;
}

export const SEED_COMPANIES: Company[] = [
  { id: 'usmf', name: 'Contoso Entertainment System USA', currency: 'USD', language: 'en-us', prefix: 'US', locales: { 'en-US': 8, 'es-ES': 1, 'ja-JP': 1 } },
  { id: 'usrt', name: 'Contoso Retail USA', currency: 'USD', language: 'en-us', prefix: 'RT', locales: { 'en-US': 8, 'es-ES': 2 } },
  { id: 'demf', name: 'Contoso Entertainment System Germany', currency: 'EUR', language: 'de', prefix: 'DE', locales: { 'de-DE': 7, 'fr-FR': 1, 'en-GB': 1, 'ar-SA': 1 } },
];

const CURRENCIES: Row[] = [
  { CurrencyCode: 'USD', Name: 'US Dollar', Symbol: '$', RoundOffPrecision: 2 },
  { CurrencyCode: 'EUR', Name: 'Euro', Symbol: '€', RoundOffPrecision: 2 },
  { CurrencyCode: 'GBP', Name: 'British Pound', Symbol: '£', RoundOffPrecision: 2 },
  { CurrencyCode: 'JPY', Name: 'Japanese Yen', Symbol: '¥', RoundOffPrecision: 0 },
  { CurrencyCode: 'CAD', Name: 'Canadian Dollar', Symbol: '$', RoundOffPrecision: 2 },
  { CurrencyCode: 'CHF', Name: 'Swiss Franc', Symbol: 'Fr', RoundOffPrecision: 2 },
  { CurrencyCode: 'SAR', Name: 'Saudi Riyal', Symbol: 'SR', RoundOffPrecision: 2 },
  { CurrencyCode: 'MXN', Name: 'Mexican Peso', Symbol: '$', RoundOffPrecision: 2 },
];

const UNITS: Row[] = [
  { UnitSymbol: 'ea', UnitDescription: 'Each', UnitClass: 'Quantity', DecimalPrecision: 0 },
  { UnitSymbol: 'pcs', UnitDescription: 'Pieces', UnitClass: 'Quantity', DecimalPrecision: 0 },
  { UnitSymbol: 'box', UnitDescription: 'Box', UnitClass: 'Quantity', DecimalPrecision: 0 },
  { UnitSymbol: 'kg', UnitDescription: 'Kilogram', UnitClass: 'Mass', DecimalPrecision: 3 },
  { UnitSymbol: 'lb', UnitDescription: 'Pound', UnitClass: 'Mass', DecimalPrecision: 3 },
  { UnitSymbol: 'm', UnitDescription: 'Meter', UnitClass: 'Length', DecimalPrecision: 2 },
  { UnitSymbol: 'l', UnitDescription: 'Liter', UnitClass: 'Volume', DecimalPrecision: 2 },
  { UnitSymbol: 'h', UnitDescription: 'Hour', UnitClass: 'Time', DecimalPrecision: 2 },
];

const PAYMENT_TERMS: Row[] = [
  { Name: 'Net10', Description: 'Net 10 days', PaymentMethod: 'Net', NumberOfDays: 10, NumberOfMonths: 0 },
  { Name: 'Net30', Description: 'Net 30 days', PaymentMethod: 'Net', NumberOfDays: 30, NumberOfMonths: 0 },
  { Name: 'Net45', Description: 'Net 45 days', PaymentMethod: 'Net', NumberOfDays: 45, NumberOfMonths: 0 },
  { Name: 'Net60', Description: 'Net 60 days', PaymentMethod: 'Net', NumberOfDays: 60, NumberOfMonths: 0 },
  { Name: 'M15', Description: 'Current month + 15 days', PaymentMethod: 'CurrentMonth', NumberOfDays: 15, NumberOfMonths: 0 },
  { Name: 'COD', Description: 'Cash on delivery', PaymentMethod: 'COD', NumberOfDays: 0, NumberOfMonths: 0 },
];

const CUSTOMER_GROUPS: Row[] = [
  { CustomerGroupId: '10', Description: 'Wholesale customers', PaymentTermId: 'Net30' },
  { CustomerGroupId: '20', Description: 'Major customers', PaymentTermId: 'Net45' },
  { CustomerGroupId: '30', Description: 'Retail customers', PaymentTermId: 'Net10' },
  { CustomerGroupId: '40', Description: 'Internet customers', PaymentTermId: 'COD' },
  { CustomerGroupId: '80', Description: 'Other customers', PaymentTermId: 'Net30' },
  { CustomerGroupId: '90', Description: 'Intercompany customers', PaymentTermId: 'M15' },
];

const VENDOR_GROUPS: Row[] = [
  { VendorGroupId: '10', Description: 'Parts suppliers', DefaultPaymentTermName: 'Net30' },
  { VendorGroupId: '20', Description: 'Service suppliers', DefaultPaymentTermName: 'Net45' },
  { VendorGroupId: '30', Description: 'Intercompany vendors', DefaultPaymentTermName: 'M15' },
  { VendorGroupId: '40', Description: 'Raw material suppliers', DefaultPaymentTermName: 'Net60' },
];

const PRODUCT_ADJECTIVES = ['Compact', 'Premium', 'Standard', 'Wireless', 'Portable', 'Heavy-duty', 'Mini', 'Pro', 'Eco', 'Classic', 'Smart', 'Ultra'];
const PRODUCT_NOUNS = ['Speaker', 'Projector', 'Cable', 'Amplifier', 'Receiver', 'Headphones', 'Microphone', 'Subwoofer', 'Television', 'Mount', 'Remote', 'Charger', 'Adapter', 'Camera', 'Monitor'];
const SEEDED_AT = '2025-01-01T00:00:00.000Z';
const CHUNK = 20_000;

function cut(s: string, n: number): string {
  return s.length <= n ? s : s.slice(0, n);
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

/** Splits a total over the companies: the first ones take the remainder. */
function share(total: number, index: number): number {
  const base = Math.floor(total / SEED_COMPANIES.length);
  return base + (index < total % SEED_COMPANIES.length ? 1 : 0);
}

function* chunked<T>(items: Iterable<T>, size: number): Generator<T[]> {
  let batch: T[] = [];
  for (const item of items) {
    batch.push(item);
    if (batch.length === size) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}

function load(store: EntityStore, entitySet: string, rows: Iterable<Row>, total: number, onProgress?: FinopsSeedOptions['onProgress']): number {
  let done = 0;
  const schema = store.schema(entitySet);
  for (const batch of chunked(rows, CHUNK)) {
    done += store.bulkLoad(entitySet, batch.map((r) => withFinopsDefaults(schema, r)));
    onProgress?.(entitySet, done, total);
  }
  return done;
}

/** Customer account numbers of a company, in key order: US-001, US-002, ... */
export function customerAccount(company: Company, n: number, count: number): string {
  return `${company.prefix}-${pad(n, Math.max(3, String(count).length))}`;
}

function* customers(rng: SeededRandom, company: Company, count: number): Generator<Row> {
  for (let i = 1; i <= count; i++) {
    const locale = rng.locale(company.locales);
    const isPerson = rng.bool(0.3);
    const address = rng.address(locale);
    const person = rng.person(locale);
    const organization = isPerson ? '' : rng.companyName(locale);
    const name = isPerson ? person.fullName : organization;
    const group = isPerson ? rng.pick(['30', '40']) : rng.pick(['10', '20', '80']);
    const currency = company.currency === 'USD' && rng.bool(0.05) ? 'CAD' : company.currency;
    const street = cut(address.line1, 250);
    const fullAddress = cut(`${address.line1}\n${address.postalCode} ${address.city}\n${address.countryCode}`, 250);
    const blocked = rng.bool(0.03) ? 'All' : 'No';
    yield {
      dataAreaId: company.id,
      CustomerAccount: customerAccount(company, i, count),
      PartyType: isPerson ? 'Person' : 'Organization',
      PartyNumber: pad(rng.int(1, 99_999_999), 9),
      OrganizationName: cut(name, 100),
      NameAlias: cut(name, 20),
      PersonFirstName: isPerson ? cut(person.firstName, 25) : '',
      PersonMiddleName: '',
      PersonLastName: isPerson ? cut(person.lastName, 25) : '',
      PersonGender: isPerson ? rng.pick(['Male', 'Female', 'Unknown']) : 'Unknown',
      CustomerGroupId: group,
      SalesCurrencyCode: currency,
      PaymentTerms: CUSTOMER_GROUPS.find((g) => g.CustomerGroupId === group)?.PaymentTermId ?? 'Net30',
      InvoiceAccount: '',
      CreditLimit: isPerson ? 0 : rng.int(1, 100) * 1000,
      CreditLimitIsMandatory: isPerson ? 'No' : 'Yes',
      OnHoldStatus: blocked,
      LanguageId: company.language,
      PrimaryContactEmail: cut(isPerson ? person.email : rng.companyEmail(organization), 255),
      PrimaryContactPhone: cut(person.phone, 255),
      PrimaryContactURL: '',
      AddressDescription: isPerson ? 'Home' : 'Business',
      AddressStreet: street,
      AddressCity: cut(address.city, 60),
      AddressState: cut(address.stateOrProvince, 10),
      AddressZipCode: cut(address.postalCode, 10),
      AddressCountryRegionId: cut(address.countryCode, 10),
      AddressCountryRegionISOCode: cut(address.countryCode, 2),
      FullPrimaryAddress: fullAddress,
      DeliveryAddressDescription: 'Delivery',
      DeliveryAddressStreet: street,
      DeliveryAddressCity: cut(address.city, 60),
      DeliveryAddressState: cut(address.stateOrProvince, 10),
      DeliveryAddressZipCode: cut(address.postalCode, 10),
      DeliveryAddressCountryRegionId: cut(address.countryCode, 10),
      DeliveryAddressCountryRegionISOCode: cut(address.countryCode, 2),
      InvoiceAddressDescription: 'Invoice',
      InvoiceAddressStreet: street,
      InvoiceAddressCity: cut(address.city, 60),
      InvoiceAddressState: cut(address.stateOrProvince, 10),
      InvoiceAddressZipCode: cut(address.postalCode, 10),
      InvoiceAddressCountryRegionId: cut(address.countryCode, 10),
      InvoiceAddressCountryRegionISOCode: cut(address.countryCode, 2),
      ModifiedDateTime: SEEDED_AT,
    };
  }
}

function* vendors(rng: SeededRandom, company: Company, count: number): Generator<Row> {
  for (let i = 1; i <= count; i++) {
    const locale = rng.locale(company.locales);
    const address = rng.address(locale);
    const name = rng.companyName(locale);
    const contact = rng.person(locale);
    const group = rng.pick(['10', '20', '40']);
    yield {
      dataAreaId: company.id,
      VendorAccountNumber: `V${company.prefix}-${pad(i, Math.max(3, String(count).length))}`,
      VendorPartyType: 'Organization',
      VendorPartyNumber: pad(rng.int(1, 99_999_999), 9),
      VendorOrganizationName: cut(name, 100),
      VendorSearchName: cut(name, 20),
      PersonFirstName: '',
      PersonLastName: '',
      VendorGroupId: group,
      CurrencyCode: company.currency,
      DefaultPaymentTermsName: VENDOR_GROUPS.find((g) => g.VendorGroupId === group)?.DefaultPaymentTermName ?? 'Net30',
      CreditLimit: 0,
      OnHoldStatus: rng.bool(0.02) ? 'Invoice' : 'No',
      LanguageId: company.language,
      PrimaryEmailAddress: cut(rng.companyEmail(name), 255),
      PrimaryPhoneNumber: cut(contact.phone, 255),
      AddressDescription: 'Business',
      AddressStreet: cut(address.line1, 250),
      AddressCity: cut(address.city, 60),
      AddressState: cut(address.stateOrProvince, 10),
      AddressZipCode: cut(address.postalCode, 10),
      AddressCountryRegionId: cut(address.countryCode, 10),
      AddressCountryRegionISOCode: cut(address.countryCode, 2),
      FormattedPrimaryAddress: cut(`${address.line1}\n${address.postalCode} ${address.city}\n${address.countryCode}`, 250),
      ModifiedDateTime: SEEDED_AT,
    };
  }
}

function itemNumber(i: number, count: number): string {
  return `D${pad(i, Math.max(4, String(count).length))}`;
}

function* products(rng: SeededRandom, company: Company, count: number): Generator<Row> {
  for (let i = 1; i <= count; i++) {
    const name = `${rng.pick(PRODUCT_ADJECTIVES)} ${rng.pick(PRODUCT_NOUNS)} ${rng.int(100, 999)}`;
    const service = rng.bool(0.1);
    const unit = service ? 'h' : rng.pick(['ea', 'pcs', 'box']);
    const cost = rng.amount(5, 2000);
    yield {
      dataAreaId: company.id,
      ItemNumber: itemNumber(i, count),
      ProductNumber: itemNumber(i, count),
      ProductSearchName: cut(name, 20),
      SearchName: cut(name, 20),
      ProductType: service ? 'Service' : 'Item',
      ProductSubType: 'Product',
      ItemModelGroupId: service ? 'SRV' : 'FIFO',
      ProductGroupId: service ? 'Services' : 'Audio',
      InventoryUnitSymbol: unit,
      SalesUnitSymbol: unit,
      PurchaseUnitSymbol: unit,
      SalesPrice: Math.round(cost * 1.4 * 100) / 100,
      PurchasePrice: cost,
      UnitCost: cost,
      NetProductWeight: service ? 0 : rng.amount(0.1, 40),
      ModifiedDateTime: SEEDED_AT,
    };
  }
}

const SALES_TAX_GROUPS: Record<'USD' | 'EUR', Row[]> = {
  USD: [
    { TaxGroupCode: 'AV', Description: 'Avalara: state and local', TaxPercentage: 8.25 },
    { TaxGroupCode: 'EXEMPT', Description: 'Tax exempt', TaxPercentage: 0 },
  ],
  EUR: [
    { TaxGroupCode: 'DOM', Description: 'Domestic (19 %)', TaxPercentage: 19 },
    { TaxGroupCode: 'EU', Description: 'Intra-community (reverse charge)', TaxPercentage: 0 },
  ],
};

/** Sites and warehouses stocking every stocked item: site 1 (warehouses 11, 12) and site 2 (21). */
export const ON_HAND_WAREHOUSES: [site: string, warehouse: string][] = [['1', '11'], ['1', '12'], ['2', '21']];

/** On-hand quantities for every item (not services) of every company, in each warehouse. */
function onHand(store: EntityStore, rng: SeededRandom): void {
  const rows: Row[] = [];
  for (const item of store.query('ReleasedProductsV2', { filter: "ProductType eq Microsoft.Dynamics.DataEntities.EcoResProductType'Item'", orderBy: 'dataAreaId,ItemNumber' }).rows) {
    for (const [site, warehouse] of ON_HAND_WAREHOUSES) {
      const physical = rng.int(0, 500);
      const reserved = Math.min(physical, rng.int(0, 50));
      const ordered = rng.int(0, 100);
      rows.push({
        dataAreaId: item.dataAreaId, ItemNumber: item.ItemNumber, InventorySiteId: site, InventoryWarehouseId: warehouse,
        OnHandQuantity: physical, ReservedOnHandQuantity: reserved, AvailableOnHandQuantity: physical - reserved,
        OrderedQuantity: ordered, OnOrderQuantity: rng.int(0, 40), TotalAvailableQuantity: physical - reserved + ordered,
        ModifiedDateTime: SEEDED_AT,
      });
    }
  }
  load(store, 'WarehousesOnHandV2', rows, rows.length);
}

const OPERATING_UNITS: Row[] = [
  { OperatingUnitNumber: 'OU-001', Name: 'Sales and marketing', OperatingUnitType: 'Department' },
  { OperatingUnitNumber: 'OU-002', Name: 'Finance', OperatingUnitType: 'Department' },
  { OperatingUnitNumber: 'OU-010', Name: 'Head office', OperatingUnitType: 'CostCenter' },
  { OperatingUnitNumber: 'OU-020', Name: 'Consumer electronics', OperatingUnitType: 'BusinessUnit' },
  { OperatingUnitNumber: 'OU-030', Name: 'Speaker assembly', OperatingUnitType: 'ValueStream' },
];
const EXCHANGE_RATES: Row[] = [
  { RateTypeName: 'Default', FromCurrency: 'EUR', ToCurrency: 'USD', StartDate: '2026-01-01', EndDate: '', Rate: 1.0870 },
  { RateTypeName: 'Default', FromCurrency: 'GBP', ToCurrency: 'USD', StartDate: '2026-01-01', EndDate: '', Rate: 1.2660 },
  { RateTypeName: 'Default', FromCurrency: 'USD', ToCurrency: 'EUR', StartDate: '2026-01-01', EndDate: '', Rate: 0.9200 },
  { RateTypeName: 'Default', FromCurrency: 'CAD', ToCurrency: 'USD', StartDate: '2026-01-01', EndDate: '', Rate: 0.7350 },
  { RateTypeName: 'Budget', FromCurrency: 'EUR', ToCurrency: 'USD', StartDate: '2026-01-01', EndDate: '2026-12-31', Rate: 1.1000 },
];
const PAYMENT_SCHEDULES: Row[] = [
  { Name: '3 Months', Description: 'Three monthly installments', NumberOfPayments: 3, IntervalMonths: 1 },
  { Name: '4 Quarters', Description: 'Four quarterly installments', NumberOfPayments: 4, IntervalMonths: 3 },
];
const RETAIL_CHANNELS: Row[] = [
  { OperatingUnitNumber: '052', Name: 'Seattle', ChannelType: 'RetailStore', Currency: 'USD' },
  { OperatingUnitNumber: '053', Name: 'San Francisco', ChannelType: 'RetailStore', Currency: 'USD' },
  { OperatingUnitNumber: '128', Name: 'Fabrikam online store', ChannelType: 'OnlineStore', Currency: 'USD' },
  { OperatingUnitNumber: '129', Name: 'Fabrikam call center', ChannelType: 'CallCenter', Currency: 'USD' },
];
const RETAIL_DISCOUNTS: Row[] = [
  { OfferId: 'ST100001', Name: '10% off speakers', Status: 'Enabled', DiscountPercentage: 10, ValidFrom: '2026-01-01', ValidTo: '2026-12-31' },
  { OfferId: 'ST100002', Name: 'Clearance 25%', Status: 'Enabled', DiscountPercentage: 25, ValidFrom: '2026-06-01', ValidTo: '2026-06-30' },
  { OfferId: 'ST100003', Name: 'Holiday bundle', Status: 'Disabled', DiscountPercentage: 15, ValidFrom: '2026-11-15', ValidTo: '2026-12-31' },
];
const REWARD_POINTS: Row[] = [
  { RewardPointId: 'Bronze', Description: 'Bronze points', RewardPointType: 'Quantity', Currency: '' },
  { RewardPointId: 'Gold', Description: 'Gold points', RewardPointType: 'Quantity', Currency: '' },
  { RewardPointId: 'Cash', Description: 'Cash back', RewardPointType: 'Amount', Currency: 'USD' },
];
const WORKERS: Row[] = [
  { PersonnelNumber: '000001', FirstName: 'Julia', LastName: 'Funderburk', Name: 'Julia Funderburk', WorkerType: 'Employee', PrimaryEmail: 'julia@contoso.com' },
  { PersonnelNumber: '000002', FirstName: 'Ahmed', LastName: 'Barnett', Name: 'Ahmed Barnett', WorkerType: 'Employee', PrimaryEmail: 'ahmed@contoso.com' },
  { PersonnelNumber: '000003', FirstName: 'Kim', LastName: 'Akers', Name: 'Kim Akers', WorkerType: 'Employee', PrimaryEmail: 'kim@contoso.com' },
  { PersonnelNumber: '000004', FirstName: 'Tony', LastName: 'Krijnen', Name: 'Tony Krijnen', WorkerType: 'Contractor', PrimaryEmail: 'tony@fieldpartners.example' },
];

/** Fixed organization, finance, retail and HR reference data, and projects and assets built on the generated customers and items. */
function referenceData(store: EntityStore): void {
  const stamp = (rows: Row[]) => rows.map((r) => ({ ...r, ModifiedDateTime: SEEDED_AT }));
  const fixed: [string, Row[]][] = [
    ['OperatingUnits', OPERATING_UNITS],
    ['ExchangeRates', EXCHANGE_RATES],
    ['FiscalCalendars', [{ CalendarId: 'Fiscal', Description: 'Fiscal calendar (January to December)' }]],
    ['FiscalCalendarPeriods', fiscalPeriods(2026)],
    ['PaymentSchedules', SEED_COMPANIES.flatMap((c) => PAYMENT_SCHEDULES.map((r) => ({ dataAreaId: c.id, ...r })))],
    ['RetailChannels', RETAIL_CHANNELS],
    ['RetailDiscounts', RETAIL_DISCOUNTS],
    ['LoyaltyRewardPoints', REWARD_POINTS],
    ['Workers', WORKERS],
  ];
  for (const [set, rows] of fixed) load(store, set, stamp(rows), rows.length);

  const parties = store.query('CDSParties', { orderBy: 'PartyNumber', limit: 5 }).rows;
  const cards = parties.map((p, i) => ({ CardNumber: `LC-${pad(i + 1, 6)}`, PartyNumber: p.PartyNumber, RewardPointId: i % 2 === 0 ? 'Bronze' : 'Gold', PointBalance: (i + 1) * 150, Blocked: 'No' }));
  load(store, 'LoyaltyCards', stamp(cards), cards.length);

  const projects: Row[] = [];
  const assets: Row[] = [];
  for (const company of SEED_COMPANIES) {
    const customers = store.query('CustomersV3', { filter: `dataAreaId eq '${company.id}' and PartyType eq 'Organization'`, orderBy: 'CustomerAccount', limit: 2 }).rows;
    const items = store.query('ReleasedProductsV2', { filter: `dataAreaId eq '${company.id}'`, orderBy: 'ItemNumber', limit: 2 }).rows;
    customers.forEach((c, i) => {
      projects.push({ dataAreaId: company.id, ProjectID: `${company.prefix}-PRJ-${pad(i + 1, 3)}`, ProjectName: `Installation for ${cut(String(c.OrganizationName), 40)}`, CustomerAccount: c.CustomerAccount, ProjectType: i === 0 ? 'FixedPrice' : 'TimeAndMaterial', ProjectStage: 'InProcess', ProjectManagerPersonnelNumber: '000001' });
      const item = items[i % Math.max(1, items.length)];
      assets.push({ dataAreaId: company.id, AssetId: `${company.prefix}-AST-${pad(i + 1, 3)}`, Name: `Sound system at ${cut(String(c.OrganizationName), 40)}`, CustomerAccount: c.CustomerAccount, ItemNumber: item?.ItemNumber ?? '', SerialNumber: `SN-${company.prefix}${pad(i + 1, 5)}`, FunctionalLocation: 'Customer site', ResponsibleWorkerPersonnelNumber: '000004' });
    });
    projects.push({ dataAreaId: company.id, ProjectID: `${company.prefix}-PRJ-900`, ProjectName: 'Internal IT upgrade', CustomerAccount: '', ProjectType: 'Internal', ProjectStage: 'Created', ProjectManagerPersonnelNumber: '000002' });
    assets.push({ dataAreaId: company.id, AssetId: `${company.prefix}-AST-900`, Name: 'Assembly line 1', CustomerAccount: '', ItemNumber: '', SerialNumber: `SN-${company.prefix}90000`, FunctionalLocation: 'Plant / Line 1', ResponsibleWorkerPersonnelNumber: '000003' });
  }
  load(store, 'Projects', stamp(projects), projects.length);
  load(store, 'ContactPersonsV2', stamp(contactPersons(store)), 0);
  load(store, 'Assets', stamp(assets), assets.length);
}

const CONTACT_PEOPLE: [first: string, last: string, title: string][] = [
  ['Alex', 'Wilber', 'Purchasing manager'],
  ['Megan', 'Bowen', 'Accounts payable'],
  ['Lee', 'Gu', 'Sales representative'],
  ['Nestor', 'Wilke', 'Account manager'],
];

/** Two contact persons at the first organization customers and the first vendors of each company. */
function contactPersons(store: EntityStore): Row[] {
  const rows: Row[] = [];
  for (const company of SEED_COMPANIES) {
    let n = 0;
    const add = (kind: 'Customer' | 'Vendor', account: string, domain: string) => {
      const [first, last, title] = CONTACT_PEOPLE[n % CONTACT_PEOPLE.length]!;
      n += 1;
      rows.push({
        dataAreaId: company.id, ContactPersonId: `${company.prefix}-CP-${pad(n, 4)}`, FirstName: first, LastName: last, JobTitle: title,
        PrimaryEmail: `${first.toLowerCase()}.${last.toLowerCase()}@${domain}`, PrimaryPhone: `+1 425 555 01${pad(n, 2)}`, AssociatedContactType: kind,
        ...(kind === 'Customer' ? { CustomerAccount: account } : { VendorAccount: account }),
      });
    };
    for (const c of store.query('CustomersV3', { filter: `dataAreaId eq '${company.id}' and PartyType eq 'Organization'`, orderBy: 'CustomerAccount', limit: 2 }).rows) add('Customer', String(c.CustomerAccount), 'customer.example');
    for (const v of store.query('VendorsV2', { filter: `dataAreaId eq '${company.id}'`, orderBy: 'VendorAccountNumber', limit: 2 }).rows) add('Vendor', String(v.VendorAccountNumber), 'vendor.example');
  }
  return rows;
}

/** An opening period, twelve monthly operating periods and a closing period. */
function fiscalPeriods(year: number): Row[] {
  const day = (m: number, d: number) => new Date(Date.UTC(year, m, d)).toISOString();
  const rows: Row[] = [{ CalendarId: 'Fiscal', PeriodName: `${year} Opening`, FiscalYearName: String(year), PeriodType: 'Opening', StartDate: day(0, 1), EndDate: day(0, 1) }];
  for (let m = 0; m < 12; m++) rows.push({ CalendarId: 'Fiscal', PeriodName: `${year} P${pad(m + 1, 2)}`, FiscalYearName: String(year), PeriodType: 'Operating', StartDate: day(m, 1), EndDate: day(m + 1, 0) });
  rows.push({ CalendarId: 'Fiscal', PeriodName: `${year} Closing`, FiscalYearName: String(year), PeriodType: 'Closing', StartDate: day(11, 31), EndDate: day(11, 31) });
  return rows;
}

/** Parties of this many customers per company go into the global address book. */
export const ADDRESS_BOOK_CUSTOMERS_PER_COMPANY = 10;

/**
 * The global address book behind the first customers of each company: their party, a business
 * address, a delivery and an invoice address (a customer with several addresses, each with its
 * role), an email and a phone. Derived from the customer rows, so it adds no randomness and the
 * other generated data stays the same.
 */
function addressBook(store: EntityStore): void {
  const parties: Row[] = [];
  const addresses: Row[] = [];
  const contacts: Row[] = [];
  const seen = new Set<string>();
  for (const company of SEED_COMPANIES) {
    const rows = store.query('CustomersV3', { filter: `dataAreaId eq '${company.id}'`, orderBy: 'CustomerAccount', limit: ADDRESS_BOOK_CUSTOMERS_PER_COMPANY }).rows;
    for (const c of rows) {
      const party = String(c.PartyNumber);
      if (seen.has(party)) continue;
      seen.add(party);
      const isPerson = c.PartyType === 'Person';
      parties.push({ PartyNumber: party, PartyType: isPerson ? 'Person' : 'Organization', Name: c.OrganizationName, PersonFirstName: c.PersonFirstName, PersonLastName: c.PersonLastName, LanguageId: c.LanguageId, ModifiedDateTime: SEEDED_AT });
      const place = { City: c.AddressCity, State: c.AddressState, ZipCode: c.AddressZipCode, CountryRegionId: c.AddressCountryRegionId };
      addresses.push(
        { PartyNumber: party, PartyLocationId: `${party}-1`, Description: isPerson ? 'Home' : 'Business', Street: c.AddressStreet, ...place, Roles: 'Business', IsPrimary: 'Yes', ModifiedDateTime: SEEDED_AT },
        { PartyNumber: party, PartyLocationId: `${party}-2`, Description: 'Delivery', Street: cut(`Dock 1, ${String(c.AddressStreet)}`, 250), ...place, Roles: 'Delivery', IsPrimary: 'No', ModifiedDateTime: SEEDED_AT },
        { PartyNumber: party, PartyLocationId: `${party}-3`, Description: 'Invoice', Street: cut(`Accounts payable, ${String(c.AddressStreet)}`, 250), ...place, Roles: 'Invoice', IsPrimary: 'No', ModifiedDateTime: SEEDED_AT },
      );
      contacts.push(
        { PartyNumber: party, ElectronicAddressId: `${party}-E`, Description: 'Email', Type: 'Email', Locator: c.PrimaryContactEmail, Purpose: 'Business', IsPrimary: 'Yes', ModifiedDateTime: SEEDED_AT },
        { PartyNumber: party, ElectronicAddressId: `${party}-P`, Description: 'Phone', Type: 'Phone', Locator: c.PrimaryContactPhone, Purpose: 'Business', IsPrimary: 'Yes', ModifiedDateTime: SEEDED_AT },
      );
    }
  }
  load(store, 'CDSParties', parties, parties.length);
  load(store, 'CDSPartyPostalAddresses', addresses, addresses.length);
  load(store, 'PartyContactsV3', contacts, contacts.length);
}

/** Empties the store, then loads the demo data. Returns the row count per entity set. */
export function seedFinops(store: EntityStore, options: FinopsSeedOptions = {}): Record<string, number> {
  const rng = new SeededRandom(options.seed ?? 1);
  const sizes = {
    customers: options.customers ?? DEFAULT_SEED_SIZES.customers,
    vendors: options.vendors ?? DEFAULT_SEED_SIZES.vendors,
    products: options.products ?? DEFAULT_SEED_SIZES.products,
    salesOrders: options.salesOrders ?? DEFAULT_SEED_SIZES.salesOrders,
  };
  for (const [name, n] of Object.entries(sizes)) {
    if (!Number.isInteger(n) || n < 0) throw new Error(`seed size ${name} must be a whole number >= 0, got ${String(n)}`);
  }
  store.clearAll();
  const stamp = (rows: Row[]) => rows.map((r) => ({ ...r, ModifiedDateTime: SEEDED_AT }));
  const perCompany = (rows: Row[]) => SEED_COMPANIES.flatMap((c) => rows.map((r) => ({ dataAreaId: c.id, ...r, ModifiedDateTime: SEEDED_AT })));
  load(store, 'Currencies', stamp(CURRENCIES), CURRENCIES.length);
  load(store, 'UnitsOfMeasure', stamp(UNITS), UNITS.length);
  const companies = SEED_COMPANIES.map((c) => ({ LegalEntityId: c.id, Name: c.name, AccountingCurrency: c.currency, LanguageId: c.language, ModifiedDateTime: SEEDED_AT }));
  load(store, 'LegalEntities', companies, companies.length);
  load(store, 'PaymentTerms', perCompany(PAYMENT_TERMS), 0);
  load(store, 'CustomerGroups', perCompany(CUSTOMER_GROUPS), 0);
  load(store, 'VendorGroups', perCompany(VENDOR_GROUPS), 0);

  SEED_COMPANIES.forEach((company, ci) => {
    // Each company and entity gets its own stream, so changing one size does not reshuffle the rest.
    const n = share(sizes.customers, ci);
    load(store, 'CustomersV3', customers(rng.fork(`customers-${company.id}`), company, n), sizes.customers, options.onProgress);
    load(store, 'VendorsV2', vendors(rng.fork(`vendors-${company.id}`), company, share(sizes.vendors, ci)), sizes.vendors, options.onProgress);
    const productCount = share(sizes.products, ci);
    load(store, 'ReleasedProductsV2', products(rng.fork(`products-${company.id}`), company, productCount), sizes.products, options.onProgress);
    const orders = share(sizes.salesOrders, ci);
    if (orders > 0 && n > 0 && productCount > 0) {
      const r = rng.fork(`orders-${company.id}`);
      const headers: Row[] = [];
      const lines: Row[] = [];
      for (let i = 1; i <= orders; i++) {
        const number = `SO-${pad(i, 6)}`;
        const customer = customerAccount(company, r.int(1, n), n);
        headers.push({
          dataAreaId: company.id,
          SalesOrderNumber: number,
          OrderingCustomerAccountNumber: customer,
          InvoiceCustomerAccountNumber: customer,
          SalesOrderName: `Order ${number}`,
          CurrencyCode: company.currency,
          PaymentTermsName: 'Net30',
          SalesTaxGroupCode: company.currency === 'EUR' ? 'DOM' : 'AV',
          SalesOrderStatus: r.pick(['Backorder', 'Backorder', 'Delivered', 'Invoiced']),
          RequestedShippingDate: r.dateTime(new Date('2025-01-01T00:00:00Z'), new Date('2025-12-31T00:00:00Z')),
          CustomersOrderReference: `PO-${r.digits(6)}`,
          ModifiedDateTime: SEEDED_AT,
        });
        const lineCount = r.int(1, 4);
        for (let l = 1; l <= lineCount; l++) {
          const qty = r.int(1, 20);
          const price = r.amount(10, 900);
          lines.push({
            dataAreaId: company.id,
            SalesOrderNumber: number,
            LineNumber: l,
            ItemNumber: itemNumber(r.int(1, productCount), productCount),
            LineDescription: '',
            OrderedSalesQuantity: qty,
            SalesUnitSymbol: 'ea',
            SalesPrice: price,
            LineAmount: Math.round(qty * price * 100) / 100,
            SalesOrderLineStatus: 'Backorder',
            ModifiedDateTime: SEEDED_AT,
          });
        }
      }
      load(store, 'SalesOrderHeadersV2', headers, headers.length);
      load(store, 'SalesOrderLines', lines, lines.length);
    }
  });
  // Forked after every other stream, so adding purchase orders reshuffled none of the rows above.
  const purchasing = rng.fork('purchase-orders');
  const purchaseOrders = options.purchaseOrders ?? DEFAULT_PURCHASE_ORDERS;
  if (!Number.isInteger(purchaseOrders) || purchaseOrders < 0) throw new Error(`seed size purchaseOrders must be a whole number >= 0, got ${String(purchaseOrders)}`);
  SEED_COMPANIES.forEach((company, ci) => {
    const vendorCount = share(sizes.vendors, ci);
    const productCount = share(sizes.products, ci);
    const orders = share(purchaseOrders, ci);
    if (orders === 0 || vendorCount === 0 || productCount === 0) return;
    const r = purchasing.fork(company.id);
    const headers: Row[] = [];
    const lines: Row[] = [];
    for (let i = 1; i <= orders; i++) {
      const number = `PO-${pad(i, 6)}`;
      headers.push({
        dataAreaId: company.id,
        PurchaseOrderNumber: number,
        OrderVendorAccountNumber: `V${company.prefix}-${pad(r.int(1, vendorCount), Math.max(3, String(vendorCount).length))}`,
        PurchaseOrderName: `Purchase ${number}`,
        CurrencyCode: company.currency,
        PurchaseOrderStatus: r.pick(['Backorder', 'Backorder', 'Received', 'Invoiced']),
        RequestedDeliveryDate: r.dateTime(new Date('2025-01-01T00:00:00Z'), new Date('2025-12-31T00:00:00Z')),
        VendorOrderReference: `VO-${r.digits(6)}`,
        ModifiedDateTime: SEEDED_AT,
      });
      const lineCount = r.int(1, 3);
      for (let l = 1; l <= lineCount; l++) {
        const qty = r.int(5, 100);
        const price = r.amount(2, 500);
        lines.push({
          dataAreaId: company.id,
          PurchaseOrderNumber: number,
          LineNumber: l,
          ItemNumber: itemNumber(r.int(1, productCount), productCount),
          OrderedPurchaseQuantity: qty,
          PurchaseUnitSymbol: 'ea',
          PurchasePrice: price,
          LineAmount: Math.round(qty * price * 100) / 100,
          PurchaseOrderLineStatus: 'Backorder',
          ModifiedDateTime: SEEDED_AT,
        });
      }
    }
    load(store, 'PurchaseOrderHeadersV2', headers, headers.length);
    load(store, 'PurchaseOrderLinesV2', lines, lines.length);
  });
  addressBook(store);
  const taxGroups = SEED_COMPANIES.flatMap((c) => SALES_TAX_GROUPS[c.currency === 'EUR' ? 'EUR' : 'USD'].map((g) => ({ dataAreaId: c.id, ...g, ModifiedDateTime: SEEDED_AT })));
  load(store, 'SalesTaxGroups', taxGroups, taxGroups.length);
  onHand(store, purchasing.fork('on-hand'));
  referenceData(store);
  return Object.fromEntries(store.schemas.map((s) => [s.entitySet, store.count(s.entitySet)]));
}
