import assert from 'node:assert/strict';
import { it } from 'node:test';
import { checksumOf } from './map-versions';
import { describeEachDialect } from './test-each-dialect';

describeEachDialect('map versions and key-value state', (store) => {
  it('publishes versions byte for byte and finds the latest, a given one, all maps and the history', async () => {
    const v1 = '{\n  "name": "customers",\n  "version": "1.0.0"\n}';
    const v2 = '{"name":"customers","version":"1.1.0","columns":[]}';
    const put1 = await store().maps.put('customers', v1, { version: '1.0.0', publisher: 'dualwrite', publishedBy: 'alice', comment: 'first', at: '2026-01-01T00:00:00Z' });
    assert.equal(put1.created, true);
    assert.deepEqual(put1.version, {
      name: 'customers',
      version: '1.0.0',
      definition: v1,
      checksum: checksumOf(v1),
      publisher: 'dualwrite',
      publishedBy: 'alice',
      publishedAt: '2026-01-01T00:00:00.000Z',
      comment: 'first',
    });
    await store().maps.put('customers', v2, { version: '1.1.0' });
    await store().maps.put('vendors', '{"name":"vendors"}', { version: '1' });

    assert.equal((await store().maps.get('customers'))?.version, '1.1.0');
    assert.equal((await store().maps.get('customers', '1.0.0'))?.definition, v1, 'formatting is kept');
    assert.equal(await store().maps.get('customers', '9.9.9'), undefined);
    assert.equal(await store().maps.get('nobody'), undefined);
    assert.deepEqual((await store().maps.list()).map((m) => `${m.name}@${m.version}`), ['customers@1.1.0', 'vendors@1']);
    assert.deepEqual((await store().maps.history('customers')).map((m) => m.version), ['1.1.0', '1.0.0']);
  });

  it('treats a re-publish of identical text as a no-op and refuses different text under a published version', async () => {
    const text = '{"name":"groups"}';
    assert.equal((await store().maps.put('groups', text, { version: '2' })).created, true);
    assert.equal((await store().maps.put('groups', text, { version: '2' })).created, false);
    await assert.rejects(store().maps.put('groups', '{"name":"groups","x":1}', { version: '2' }), /map "groups" version 2 is already published with different content .* give the changed definition a new version/);
    await assert.rejects(store().maps.put('groups', '{not json', { version: '3' }), /maps.put\(groups@3\): the definition is not valid JSON/);
    assert.deepEqual((await store().maps.history('groups')).map((m) => m.version), ['2']);
  });

  it('stores, replaces, lists by prefix and deletes JSON state values', async () => {
    assert.equal(await store().state.get('delta:customers:token'), undefined);
    await store().state.set('delta:customers:token', 'W/"12345"');
    await store().state.set('delta:customers:token', 'W/"12346"');
    await store().state.set('delta:vendors:token', { link: 'https://x/y?$deltatoken=1', n: 2 });
    await store().state.set('initial:customers:checkpoint', { page: 3, continuation: null, counts: [1, 2] });
    await store().state.set('flag', null);
    await store().state.set('Delta:upper', 1);

    assert.equal(await store().state.get<string>('delta:customers:token'), 'W/"12346"');
    assert.deepEqual(await store().state.get('initial:customers:checkpoint'), { page: 3, continuation: null, counts: [1, 2] });
    assert.equal(await store().state.get('flag'), null, 'a stored null is not a missing key');
    assert.deepEqual((await store().state.list('delta:')).map((e) => [e.key, e.value]), [
      ['delta:customers:token', 'W/"12346"'],
      ['delta:vendors:token', { link: 'https://x/y?$deltatoken=1', n: 2 }],
    ]);
    assert.equal(await store().state.delete('delta:customers:token'), true);
    assert.equal(await store().state.delete('delta:customers:token'), false);
    assert.equal(await store().state.get('delta:customers:token'), undefined);
    await assert.rejects(store().state.set('k', undefined), /use state.delete/);
  });
});
