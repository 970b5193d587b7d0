/**
 * Deterministic demo data for the Dataverse sandbox: the companies USMF, USRT and DEMF as
 * cdm_companies, currencies, units, payment terms and customer/vendor groups per company, and a
 * CRM-only set of accounts, contacts, vendors, products and sales orders (numbers prefixed `DV-`,
 * so they do not collide with the F&O sandbox's rows and an initial sync has work in both
 * directions). All references are consistent; the same seed always yields the same rows and ids.
 * Bulk counts (e.g. accounts: 1_000_000) go through one prepared statement in one transaction.
 */
import { SeededRandom } from '../shared/seed-random';
import type { Locale } from '../shared/seed-random';
import type { DataverseStore, Row } from './store';

export interface DataverseSeedOptions {
  seed?: number;
  /** Empty every table first. */
  reset?: boolean;
  accounts?: number;
  contacts?: number;
  vendors?: number;
  products?: number;
  salesOrders?: number;
}

export type SeedSummary = Record<string, number>;

export const SEED_COMPANIES = [
  { code: 'USMF', name: 'Contoso Entertainment System USA', locale: 'en-US' as Locale, currency: 'USD' },
  { code: 'USRT', name: 'Contoso Retail USA', locale: 'en-US' as Locale, currency: 'USD' },
  { code: 'DEMF', name: 'Contoso Entertainment System Germany', locale: 'de-DE' as Locale, currency: 'EUR' },
];

const CURRENCIES: [string, string, string, number, number][] = [
  ['USD', 'US Dollar', '$', 2, 1],
  ['EUR', 'Euro', '€', 2, 0.92],
  ['GBP', 'Pound Sterling', '£', 2, 0.79],
  ['JPY', 'Japanese Yen', '¥', 0, 151.2],
  ['SAR', 'Saudi Riyal', 'ر.س', 2, 3.75],
  ['CAD', 'Canadian Dollar', 'CA$', 2, 1.36],
];

const UNITS: [string, string, number][] = [
  ['ea', 'Each', 1],
  ['pcs', 'Pieces', 1],
  ['box', 'Box', 12],
  ['kg', 'Kilogram', 1],
  ['g', 'Gram', 0.001],
  ['l', 'Liter', 1],
  ['m', 'Meter', 1],
  ['h', 'Hour', 1],
];

const PAYMENT_TERMS: [string, string, number, number][] = [
  ['Net10', 'Net 10 days', 10, 192350000],
  ['Net30', 'Net 30 days', 30, 192350000],
  ['Net45', 'Net 45 days', 45, 192350000],
  ['CurrMth', 'Current month', 0, 192350001],
  ['COD', 'Cash on delivery', 0, 192350005],
];

const CUSTOMER_GROUPS: [string, string, string][] = [
  ['10', 'Wholesale customers', 'Net30'],
  ['20', 'Major customers', 'Net45'],
  ['30', 'Retail customers', 'Net10'],
  ['80', 'Other customers', 'CurrMth'],
  ['90', 'Intercompany customers', 'Net30'],
];

const VENDOR_GROUPS: [string, string, string][] = [
  ['10', 'Parts vendors', 'Net30'],
  ['20', 'Services vendors', 'Net10'],
  ['30', 'Other vendors', 'Net45'],
  ['40', 'Intercompany vendors', 'Net30'],
];

const PRODUCT_WORDS = ['Speaker', 'Amplifier', 'Receiver', 'Headphones', 'Projector', 'Television', 'Subwoofer', 'Turntable', 'Cable', 'Microphone', 'Mixer', 'Remote'];
const PRODUCT_ADJ = ['Standard', 'Premium', 'Compact', 'Wireless', 'Pro', 'Mini', 'Classic', 'Studio'];

/** Locale mix for customers of a company: mostly the company's own, some international. */
function customerLocale(r: SeededRandom, home: Locale): Locale {
  const x = r.next();
  if (x < 0.7) return home;
  if (x < 0.78) return 'fr-FR';
  if (x < 0.86) return 'ja-JP';
  if (x < 0.93) return 'ar-SA';
  return home === 'de-DE' ? 'en-GB' : 'es-ES';
}

const pad = (n: number, w: number) => String(n).padStart(w, '0');

export function seedDataverse(store: DataverseStore, options: DataverseSeedOptions = {}): SeedSummary {
  const seed = options.seed ?? 1;
  if (!Number.isInteger(seed)) throw new Error(`seed must be an integer, got ${String(options.seed)}`);
  for (const k of ['accounts', 'contacts', 'vendors', 'products', 'salesOrders'] as const) {
    const v = options[k];
    if (v !== undefined && (!Number.isInteger(v) || v < 0)) throw new Error(`seed option ${k} must be a whole number >= 0, got ${String(v)}`);
  }
  if (options.reset) store.reset();
  const root = new SeededRandom(seed);
  const summary: SeedSummary = {};
  const load = (set: string, rows: Iterable<Row>) => {
    summary[set] = (summary[set] ?? 0) + store.bulkInsert(set, rows);
  };

  const idr = root.fork('reference-ids');
  const companies = SEED_COMPANIES.map((c) => ({ ...c, id: idr.guid() }));
  load('cdm_companies', companies.map((c) => ({ cdm_companyid: c.id, cdm_companycode: c.code, cdm_name: c.name })));

  const currencies = new Map(CURRENCIES.map(([code]) => [code, idr.guid()]));
  load(
    'transactioncurrencies',
    CURRENCIES.map(([code, name, symbol, precision, rate]) => ({ transactioncurrencyid: currencies.get(code), isocurrencycode: code, currencyname: name, currencysymbol: symbol, currencyprecision: precision, exchangerate: rate })),
  );
  const units = new Map(UNITS.map(([sym]) => [sym, idr.guid()]));
  load('uoms', UNITS.map(([sym, name, qty]) => ({ uomid: units.get(sym), name, msdyn_symbol: sym, quantity: qty, isschedulebaseuom: sym === 'ea' })));

  const terms = new Map<string, string>();
  const custGroups = new Map<string, string[]>();
  const vendGroups = new Map<string, string[]>();
  const termRows: Row[] = [];
  const custGroupRows: Row[] = [];
  const vendGroupRows: Row[] = [];
  for (const c of companies) {
    for (const [name, description, days, method] of PAYMENT_TERMS) {
      const id = idr.guid();
      terms.set(`${c.code}/${name}`, id);
      termRows.push({ msdyn_paymenttermid: id, msdyn_name: name, msdyn_description: description, msdyn_numberofdays: days, msdyn_paymentmethod: method, _msdyn_company_value: c.id });
    }
    custGroups.set(c.code, []);
    for (const [group, description, term] of CUSTOMER_GROUPS) {
      const id = idr.guid();
      custGroups.get(c.code)?.push(id);
      custGroupRows.push({ msdyn_customergroupid: id, msdyn_groupid: group, msdyn_description: description, _msdyn_paymenttermid_value: terms.get(`${c.code}/${term}`), _msdyn_company_value: c.id });
    }
    vendGroups.set(c.code, []);
    for (const [group, description, term] of VENDOR_GROUPS) {
      const id = idr.guid();
      vendGroups.get(c.code)?.push(id);
      vendGroupRows.push({ msdyn_vendorgroupid: id, msdyn_vendorgroup: group, msdyn_description: description, _msdyn_paymenttermid_value: terms.get(`${c.code}/${term}`), _msdyn_company_value: c.id });
    }
  }
  load('msdyn_paymentterms', termRows);
  load('msdyn_customergroups', custGroupRows);
  load('msdyn_vendorgroups', vendGroupRows);

  // Accounts: generated lazily so a million rows never sit in memory at once.
  const accountCount = options.accounts ?? 300;
  const accountIds: string[] = [];
  const accountCompany: number[] = [];
  const ar = root.fork('accounts');
  const termNames = PAYMENT_TERMS.map((t) => t[0]);
  load(
    'accounts',
    (function* () {
      for (let i = 1; i <= accountCount; i++) {
        const ci = (i - 1) % companies.length;
        const c = companies[ci] as (typeof companies)[number];
        const locale = customerLocale(ar, c.locale);
        const id = ar.guid();
        const name = ar.companyName(locale);
        const a = ar.address(locale);
        const groups = custGroups.get(c.code) ?? [];
        if (accountIds.length < 100_000) {
          accountIds.push(id);
          accountCompany.push(ci);
        }
        yield {
          accountid: id,
          accountnumber: `DV-${pad(i, 6)}`,
          name,
          msdyn_partynumber: `DVP-${pad(i, 7)}`,
          telephone1: ar.phone(locale),
          emailaddress1: ar.companyEmail(name),
          address1_name: 'Delivery',
          address1_line1: a.line1,
          address1_city: a.city,
          address1_stateorprovince: a.stateOrProvince,
          address1_postalcode: a.postalCode,
          address1_country: a.countryCode,
          creditlimit: ar.int(0, 20) * 5000,
          creditonhold: ar.bool(0.05),
          revenue: ar.amount(10_000, 50_000_000),
          customertypecode: 3,
          accountcategorycode: ar.bool(0.3) ? 1 : 2,
          _msdyn_customergroupid_value: ar.pick(groups),
          _msdyn_paymentterm_value: terms.get(`${c.code}/${ar.pick(termNames)}`),
          _transactioncurrencyid_value: currencies.get(c.currency),
          _msdyn_company_value: c.id,
        };
      }
    })(),
  );

  const contactCount = options.contacts ?? 300;
  const cr = root.fork('contacts');
  load(
    'contacts',
    (function* () {
      for (let i = 1; i <= contactCount; i++) {
        const ai = accountIds.length ? (i - 1) % accountIds.length : -1;
        const c = companies[ai >= 0 ? (accountCompany[ai] ?? 0) : (i - 1) % companies.length] as (typeof companies)[number];
        const locale = customerLocale(cr, c.locale);
        const p = cr.person(locale);
        const a = cr.address(locale);
        yield {
          contactid: cr.guid(),
          firstname: p.firstName,
          lastname: p.lastName,
          fullname: `${p.firstName} ${p.lastName}`,
          msdyn_contactpersonid: `DVC-${pad(i, 6)}`,
          emailaddress1: p.email,
          telephone1: p.phone,
          mobilephone: cr.phone(locale),
          jobtitle: cr.pick(['Purchasing Manager', 'CFO', 'Accounts Payable', 'Owner', 'Sales Director', 'Buyer']),
          address1_line1: a.line1,
          address1_city: a.city,
          address1_stateorprovince: a.stateOrProvince,
          address1_postalcode: a.postalCode,
          address1_country: a.countryCode,
          msdyn_sellable: true,
          msdyn_contactforvendor: false,
          _parentcustomerid_value: ai >= 0 ? accountIds[ai] : null,
          _transactioncurrencyid_value: currencies.get(c.currency),
          _msdyn_company_value: c.id,
        };
      }
    })(),
  );

  const vr = root.fork('vendors');
  load(
    'msdyn_vendors',
    (function* () {
      for (let i = 1; i <= (options.vendors ?? 60); i++) {
        const c = companies[(i - 1) % companies.length] as (typeof companies)[number];
        const locale = customerLocale(vr, c.locale);
        const name = vr.companyName(locale);
        const a = vr.address(locale);
        yield {
          msdyn_vendorid: vr.guid(),
          msdyn_vendoraccountnumber: `DV-V${pad(i, 5)}`,
          msdyn_name: name,
          msdyn_telephone1: vr.phone(locale),
          msdyn_emailaddress1: vr.companyEmail(name),
          msdyn_address1_line1: a.line1,
          msdyn_address1_city: a.city,
          msdyn_address1_postalcode: a.postalCode,
          msdyn_address1_country: a.countryCode,
          msdyn_onhold: vr.bool(0.05),
          _msdyn_vendorgroupid_value: vr.pick(vendGroups.get(c.code) ?? []),
          _msdyn_paymentterm_value: terms.get(`${c.code}/${vr.pick(termNames)}`),
          _transactioncurrencyid_value: currencies.get(c.currency),
          _msdyn_company_value: c.id,
        };
      }
    })(),
  );

  const pr = root.fork('products');
  const productIds: string[] = [];
  const productPrices: number[] = [];
  load(
    'products',
    (function* () {
      for (let i = 1; i <= (options.products ?? 100); i++) {
        const id = pr.guid();
        const price = pr.amount(5, 2500);
        if (productIds.length < 100_000) {
          productIds.push(id);
          productPrices.push(price);
        }
        yield {
          productid: id,
          productnumber: `DV-P${pad(i, 5)}`,
          name: `${pr.pick(PRODUCT_ADJ)} ${pr.pick(PRODUCT_WORDS)} ${pad(i, 4)}`,
          description: null,
          producttypecode: pr.bool(0.9) ? 1 : 3,
          quantitydecimal: 0,
          price,
          standardcost: Math.round(price * 60) / 100,
          currentcost: Math.round(price * 62) / 100,
          _defaultuomid_value: units.get('ea'),
          _transactioncurrencyid_value: currencies.get('USD'),
        };
      }
    })(),
  );

  const orderCount = accountIds.length && productIds.length ? (options.salesOrders ?? 60) : 0;
  const or = root.fork('salesorders');
  const lines: Row[] = [];
  load(
    'salesorders',
    (function* () {
      for (let i = 1; i <= orderCount; i++) {
        const ai = or.int(0, accountIds.length - 1);
        const c = companies[accountCompany[ai] ?? 0] as (typeof companies)[number];
        const id = or.guid();
        const lineCount = or.int(1, 4);
        let total = 0;
        for (let n = 1; n <= lineCount; n++) {
          const pi = or.int(0, productIds.length - 1);
          const qty = or.int(1, 20);
          const unit = productPrices[pi] ?? 10;
          const amount = Math.round(qty * unit * 100) / 100;
          total += amount;
          lines.push({
            salesorderdetailid: or.guid(),
            _salesorderid_value: id,
            lineitemnumber: n,
            _productid_value: productIds[pi],
            _uomid_value: units.get('ea'),
            quantity: qty,
            priceperunit: unit,
            baseamount: amount,
            extendedamount: amount,
            _msdyn_company_value: c.id,
          });
        }
        yield {
          salesorderid: id,
          ordernumber: `DV-SO-${pad(i, 6)}`,
          name: `Order ${pad(i, 6)}`,
          requestdeliveryby: `2026-${pad(or.int(1, 12), 2)}-${pad(or.int(1, 28), 2)}`,
          totalamount: Math.round(total * 100) / 100,
          discountpercentage: 0,
          _customerid_value: accountIds[ai],
          _transactioncurrencyid_value: currencies.get(c.currency),
          _msdyn_company_value: c.id,
        };
      }
    })(),
  );
  load('salesorderdetails', lines);
  return summary;
}
