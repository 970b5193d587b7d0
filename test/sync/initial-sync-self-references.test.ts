import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startSyncWorld } from '../harness/sync-world';
import { enable, status } from './helpers';

const MAP = 'customers-v3-accounts';

/**
 * A self-referencing map (an F&O customer's invoice account is another customer) loads in two
 * passes: pass 1 writes every row without its self references, pass 2 sets them. References
 * backwards, forwards (to a row of a later page) and to the row itself all land.
 */
test('initial sync of a self-referencing map: references backwards, forwards and to itself all land', async () => {
  const world = await startSyncWorld({ companies: ['usmf'], finopsSeed: { customers: 60, vendors: 0, products: 0, salesOrders: 0 }, finopsMaxPageSize: 10 });
  const orgs = world.finops.store
    .query('CustomersV3', { filter: "dataAreaId eq 'usmf' and PartyType eq 'Organization'" })
    .rows.map((r) => String(r.CustomerAccount))
    .sort();
  assert.ok(orgs.length >= 12, `enough organizations to span pages: ${orgs.length}`);
  const references = new Map<string, string>([
    [orgs[5]!, orgs[0]!], // backwards
    [orgs[1]!, orgs[orgs.length - 1]!], // forwards, to a later page
    [orgs[2]!, orgs[2]!], // itself
  ]);
  for (const [account, invoiceAccount] of references) world.finops.store.update('CustomersV3', { dataAreaId: 'usmf', CustomerAccount: account }, { InvoiceAccount: invoiceAccount });

  await world.withWorker(async () => {
    await enable(world, { maps: [MAP], initialSync: { master: 'finops', pageSize: 10 } });
    const result = (await status(world, MAP)).initialSync.result;
    assert.ok(result, 'the initial sync finished');
    assert.equal(result.failed, 0, JSON.stringify(result));
    assert.equal(result.read, orgs.length * 2, `each pass reads every organization: ${JSON.stringify(result)}`);
    assert.equal(result.created, orgs.length, JSON.stringify(result));
    assert.equal(result.updated, references.size, JSON.stringify(result));

    const accounts = (await world.users.dataverse.readPage({ entitySet: 'accounts', pageSize: 5000 })).rows;
    const idOf = new Map(accounts.map((a) => [String(a.accountnumber), String(a.accountid)]));
    for (const account of orgs) {
      const row = accounts.find((a) => a.accountnumber === account);
      assert.ok(row, `${account} copied`);
      const expected = references.get(account);
      assert.equal(row._msdyn_billingaccount_value ?? null, expected ? idOf.get(expected) : null, `${account}'s billing account`);
    }
  });
});
