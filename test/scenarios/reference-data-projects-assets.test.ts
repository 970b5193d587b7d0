import assert from 'node:assert/strict';
import { test } from 'node:test';
import { eventually, startSyncWorld } from '../harness/sync-world';
import { enable, settled } from '../sync/helpers';
import { bind, dataverseId, readAll, rowsAppear, SMALL_FINOPS_SEED, write } from './support';

/** F&O entity set and Dataverse table of each map checked here, and whether the map is per company. */
const MAPS: [map: string, finops: string, dataverse: string, perCompany: boolean][] = [
  ['operating-units', 'OperatingUnits', 'msdyn_internalorganizations', false],
  ['sales-tax-groups', 'SalesTaxGroups', 'msdyn_taxgroups', true],
  ['exchange-rates', 'ExchangeRates', 'msdyn_currencyexchangerates', false],
  ['fiscal-calendars', 'FiscalCalendars', 'msdyn_fiscalcalendars', false],
  ['fiscal-periods', 'FiscalCalendarPeriods', 'msdyn_fiscalperiods', false],
  ['payment-schedules', 'PaymentSchedules', 'msdyn_paymentschedules', true],
  ['retail-channels', 'RetailChannels', 'msdyn_retailchannels', false],
  ['retail-discounts', 'RetailDiscounts', 'msdyn_retaildiscounts', false],
  ['loyalty-reward-points', 'LoyaltyRewardPoints', 'msdyn_loyaltyrewardpoints', false],
  ['loyalty-cards', 'LoyaltyCards', 'msdyn_loyaltycards', false],
  ['workers', 'Workers', 'cdm_workers', false],
  ['projects', 'Projects', 'msdyn_projects', true],
  ['customer-assets', 'Assets', 'msdyn_customerassets', true],
];

/**
 * Organization, finance and tax reference data (scenario 2), retail and HR reference data
 * (scenario 7) and project to cash with field assets (scenario 5): the seeded rows arrive in
 * Dataverse on enabling, and the business actions of each side reach the other.
 */
test('reference data, projects and field assets', async (t) => {
  const world = await startSyncWorld({ companies: ['usmf'], finopsSeed: SMALL_FINOPS_SEED });
  const fo = world.users.finops;
  const dv = world.users.dataverse;

  await world.withWorker(async () => {
    const order = (await enable(world, { maps: MAPS.map(([m]) => m), initialSync: { master: 'finops', pageSize: 200 } })).flat();
    assert.ok(order.indexOf('workers') < order.indexOf('projects') && order.indexOf('workers') < order.indexOf('customer-assets'), `workers before projects and assets: ${JSON.stringify(order)}`);
    assert.ok(order.indexOf('fiscal-calendars') < order.indexOf('fiscal-periods'), JSON.stringify(order));

    await t.test('every seeded row is in Dataverse after enabling', async () => {
      for (const [map, finops, dataverse, perCompany] of MAPS) {
        const expected = (await readAll(fo, finops, 'true', perCompany ? 'usmf' : undefined)).length;
        assert.ok(expected > 0, `${finops} is seeded`);
        await eventually(`${map}: ${expected} rows in ${dataverse}`, async () => (await readAll(dv, dataverse, 'true', perCompany ? 'usmf' : undefined)).length === expected);
      }
    });

    await t.test('finance: a new exchange rate and the fiscal periods carry their currency and calendar', async () => {
      await write(fo, 'ExchangeRates', [{ id: 'r', kind: 'upsert', mode: 'create', key: { RateTypeName: 'Default', FromCurrency: 'JPY', ToCurrency: 'USD', StartDate: '2026-07-01' }, values: { Rate: 0.0064 } }]);
      const [rate] = await rowsAppear(dv, 'msdyn_currencyexchangerates', "msdyn_startdate eq '2026-07-01'");
      assert.equal(rate!._msdyn_fromcurrency_value, await dataverseId(world, 'transactioncurrencies', 'transactioncurrencyid', "isocurrencycode eq 'JPY'"));
      assert.equal(rate!.msdyn_rate, 0.0064);
      const [march] = await rowsAppear(dv, 'msdyn_fiscalperiods', "msdyn_periodname eq '2026 P03'");
      assert.deepEqual([march!.msdyn_startdate, march!.msdyn_enddate, march!.msdyn_periodtype], ['2026-03-01', '2026-03-31', 192350001]);
      assert.equal(march!._msdyn_fiscalcalendar_value, await dataverseId(world, 'msdyn_fiscalcalendars', 'msdyn_fiscalcalendarid', "msdyn_calendarid eq 'Fiscal'"));
    });

    await t.test('retail and HR: a worker renamed in F&O is renamed in Dataverse; a card blocked in Dataverse is blocked in F&O', async () => {
      await write(fo, 'Workers', [{ id: 'w', kind: 'upsert', mode: 'update', key: { PersonnelNumber: '000003' }, values: { LastName: 'Akers-Smith', Name: 'Kim Akers-Smith' } }]);
      await eventually('the renamed worker', async () => (await readAll(dv, 'cdm_workers', "cdm_workernumber eq '000003'"))[0]?.cdm_fullname === 'Kim Akers-Smith');
      const cardId = await dataverseId(world, 'msdyn_loyaltycards', 'msdyn_loyaltycardid', "msdyn_cardnumber eq 'LC-000001'");
      await write(dv, 'msdyn_loyaltycards', [{ id: 'c', kind: 'upsert', mode: 'update', key: { msdyn_loyaltycardid: cardId }, values: { msdyn_blocked: true } }]);
      await eventually('the card blocked in F&O', async () => (await readAll(fo, 'LoyaltyCards', "CardNumber eq 'LC-000001'"))[0]?.Blocked === 'Yes');
      const [card] = await readAll(dv, 'msdyn_loyaltycards', "msdyn_cardnumber eq 'LC-000001'");
      assert.ok(typeof card!._msdyn_party_value === 'string' && typeof card!._msdyn_rewardpoint_value === 'string', 'the card holder and reward points are resolved');
    });

    const [customer] = await readAll(fo, 'CustomersV3', "PartyType eq 'Organization'", 'usmf');
    const account = String(customer!.CustomerAccount);
    await t.test('project to cash: a project opened in Dataverse for a customer appears in F&O with its manager', async () => {
      await write(dv, 'msdyn_projects', [{
        id: 'p', kind: 'upsert', key: { msdyn_projectnumber: 'US-PRJ-777', _msdyn_company_value: 'usmf' },
        values: {
          msdyn_subject: 'Conference room fit-out', msdyn_projecttype: 192350001, msdyn_projectstage: 192350000,
          'msdyn_company@odata.bind': await bind(world, 'cdm_companies', { cdm_companycode: 'USMF' }),
          'msdyn_customer_account@odata.bind': await bind(world, 'accounts', { accountnumber: account, _msdyn_company_value: 'usmf' }),
          'msdyn_projectmanager@odata.bind': await bind(world, 'cdm_workers', { cdm_workernumber: '000002' }),
        },
      }]);
      const [project] = await rowsAppear(fo, 'Projects', "ProjectID eq 'US-PRJ-777'", 1, 'usmf');
      assert.deepEqual([project!.ProjectName, project!.CustomerAccount, project!.ProjectType, project!.ProjectStage, project!.ProjectManagerPersonnelNumber], ['Conference room fit-out', account, 'FixedPrice', 'Created', '000002']);
    });

    await t.test('field assets: an in-house asset from F&O has no account; a customer asset handed to another field agent in Dataverse is handed over in F&O', async () => {
      await write(fo, 'Assets', [{ id: 'a', kind: 'upsert', mode: 'create', key: { dataAreaId: 'usmf', AssetId: 'US-AST-950' }, values: { Name: 'Forklift 2', FunctionalLocation: 'Warehouse 11', ResponsibleWorkerPersonnelNumber: '000003' } }]);
      const [inHouse] = await rowsAppear(dv, 'msdyn_customerassets', "msdyn_assetnumber eq 'US-AST-950'", 1, 'usmf');
      assert.equal(inHouse!._msdyn_account_value ?? null, null, 'an in-house asset has no customer');
      assert.equal(inHouse!._msdyn_fieldagent_value, await dataverseId(world, 'cdm_workers', 'cdm_workerid', "cdm_workernumber eq '000003'"));
      const [seeded] = await readAll(dv, 'msdyn_customerassets', "msdyn_assetnumber eq 'US-AST-001'", 'usmf');
      assert.equal(seeded!._msdyn_account_value, await dataverseId(world, 'accounts', 'accountid', `accountnumber eq '${String((await readAll(fo, 'Assets', "AssetId eq 'US-AST-001'", 'usmf'))[0]!.CustomerAccount)}'`), 'a customer asset points at its account');
      await write(dv, 'msdyn_customerassets', [{ id: 'h', kind: 'upsert', mode: 'update', key: { msdyn_customerassetid: String(seeded!.msdyn_customerassetid) }, values: { 'msdyn_fieldagent@odata.bind': await bind(world, 'cdm_workers', { cdm_workernumber: '000001' }) } }]);
      await eventually('the asset handed over in F&O', async () => (await readAll(fo, 'Assets', "AssetId eq 'US-AST-001'", 'usmf'))[0]?.ResponsibleWorkerPersonnelNumber === '000001');
    });

    await t.test('nothing is left in the error queue', async () => {
      for (const [map] of MAPS) {
        await settled(world, map);
        const open = (await world.store.errors.list({ map, status: 'open' })).items;
        assert.deepEqual(open.map((e) => `${e.direction} ${e.class}: ${e.message}`), [], `${map} has no open errors`);
      }
    });
  });
});
