import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startApiWorld, testMap, type ApiWorld } from '../test-support/api-world';

/**
 * The preview and /me over real HTTP routing, a real store and Temporal, without connectors:
 * samples are posted (the console e2e test covers reading them through real connectors).
 */
test('POST /maps/{name}/preview and GET /me', async (t) => {
  const name = `preview-${process.pid}`;
  const world: ApiWorld = await startApiWorld([testMap(name)]);
  const draft = testMap(name, { finops: { entitySet: 'Currencies', key: ['CurrencyCode'], filter: "CurrencyCode ne '999'" } });
  const samples = { finops: [{ CurrencyCode: 'EUR', Name: 'Euro', Symbol: null }, { CurrencyCode: '999', Name: 'Test', Symbol: 'T' }], dataverse: [{ isocurrencycode: 'USD', currencyname: 'US Dollar', currencysymbol: '$' }] };

  await t.test('GET /me names the caller and the role', async () => {
    const res = await world.call('operator', 'GET', '/api/v1/me');
    assert.equal(res.status, 200);
    assert.deepEqual(res.json, { name: 'operator', role: 'operator' });
    assert.equal((await world.call(null, 'GET', '/api/v1/me')).status, 401);
  });

  await t.test('posted samples are transformed both ways, with the filter and the draft\'s expressions', async () => {
    const res = await world.call('viewer', 'POST', `/api/v1/maps/${name}/preview`, { definition: draft, samples });
    assert.equal(res.status, 200, JSON.stringify(res.json));
    assert.equal(res.json.valid, true);
    const [toDataverse, toFinops] = res.json.sides;
    assert.equal(toDataverse.direction, 'finops-to-dataverse');
    assert.deepEqual(toDataverse.rows[0].values, { isocurrencycode: 'EUR', currencyname: 'Euro', currencysymbol: 'EUR', exchangerate: 1 });
    assert.deepEqual(toDataverse.rows[0].key, { isocurrencycode: 'EUR' });
    assert.equal(toDataverse.rows[0].filtered, false);
    assert.equal(toDataverse.rows[1].filtered, true);
    assert.equal(toFinops.direction, 'dataverse-to-finops');
    assert.deepEqual(toFinops.rows[0].values, { CurrencyCode: 'USD', Name: 'US Dollar', Symbol: '$' });
  });

  await t.test('an edit of the draft changes the result on the same samples', async () => {
    const edited = { ...draft, columns: draft.columns.map((c) => (c.dataverse === 'currencysymbol' ? { ...c, toDataverse: "concat('[', CurrencyCode, ']')" } : c)) };
    const res = await world.call('viewer', 'POST', `/api/v1/maps/${name}/preview`, { definition: edited, samples });
    assert.equal(res.json.sides[0].rows[0].values.currencysymbol, '[EUR]');
  });

  await t.test('an invalid draft answers its errors and no rows', async () => {
    const res = await world.call('viewer', 'POST', `/api/v1/maps/${name}/preview`, { definition: { ...draft, columns: [{ finops: 'CurrencyCode', dataverse: 'isocurrencycode', direction: '=>' }] }, samples });
    assert.equal(res.status, 200);
    assert.equal(res.json.valid, false);
    assert.deepEqual(res.json.sides, []);
    assert.ok(res.json.errors.some((e: { path: string }) => e.path === '$.columns[0].direction'), JSON.stringify(res.json.errors));
  });

  await t.test('without connectors, a side to read is refused with what to do; a renamed draft is refused', async () => {
    const unread = await world.call('viewer', 'POST', `/api/v1/maps/${name}/preview`, { definition: draft, samples: { finops: samples.finops } });
    assert.equal(unread.status, 503);
    assert.equal(unread.json.error.code, 'preview-not-configured');
    const renamed = await world.call('viewer', 'POST', '/api/v1/maps/other-name/preview', { definition: draft, samples });
    assert.equal(renamed.status, 400);
    assert.equal(renamed.json.error.code, 'name-mismatch');
  });
});
