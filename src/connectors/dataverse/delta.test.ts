import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseDeltaPage } from './delta';
import { fixtureJson } from '../test-support/fixtures';

describe('Dataverse change-tracking pages (published examples)', () => {
  const options = { entitySet: 'accounts', idColumn: 'accountid', tokenForIds: 'accounts?$deltatoken=919042' };

  it('initial response: current rows as upserts and the deltaLink', () => {
    const page = parseDeltaPage(fixtureJson('dataverse-delta-initial-response.json'), options);
    assert.equal(page.deltaLink, '[Organization URI]/api/data/v9.0/accounts?$select=name,accountnumber,telephone1,fax&$deltatoken=919042%2108%2f22%2f2017%2008%3a10%3a44');
    assert.equal(page.nextLink, undefined);
    assert.deepEqual(page.changes, [
      {
        system: 'dataverse',
        entitySet: 'accounts',
        op: 'upsert',
        recordId: '60c4e274-0d87-e711-80e5-00155db19e6d',
        values: { name: 'Monte Orton', accountnumber: null, telephone1: '555000', fax: '10101', accountid: '60c4e274-0d87-e711-80e5-00155db19e6d' },
        version: '915244',
        eventId: 'accounts:60c4e274-0d87-e711-80e5-00155db19e6d:915244',
      },
    ]);
  });

  it('delta response: a changed row, then a $deletedEntity as a delete', () => {
    const page = parseDeltaPage(fixtureJson('dataverse-delta-response.json'), options);
    assert.match(page.deltaLink ?? '', /\$deltatoken=919058%2108%2f22%2f2017%2008%3a21%3a20$/);
    assert.deepEqual(
      page.changes.map((c) => [c.op, c.recordId]),
      [
        ['upsert', '60c4e274-0d87-e711-80e5-00155db19e6d'],
        ['delete', '2e451703-c686-e711-80e5-00155db19e6d'],
      ],
    );
    assert.equal(page.changes[1]?.values, undefined);
  });
});

describe('Dataverse change-tracking page edge cases', () => {
  const options = { entitySet: 'accounts', idColumn: 'accountid', tokenForIds: 't' };
  it('an empty body means no changes', () => {
    assert.deepEqual(parseDeltaPage(undefined, options), { changes: [] });
    assert.deepEqual(parseDeltaPage('', options), { changes: [] });
  });
  it('OData 4.0 @removed form and missing ids', () => {
    const page = parseDeltaPage({ value: [{ '@removed': { reason: 'deleted' }, '@id': 'accounts(2e451703-c686-e711-80e5-00155db19e6d)' }] }, options);
    assert.equal(page.changes[0]?.recordId, '2e451703-c686-e711-80e5-00155db19e6d');
    assert.throws(() => parseDeltaPage({ value: [{ name: 'x' }] }, options), /has no accountid/);
    assert.throws(() => parseDeltaPage({ value: 3 }, options), /not an array/);
  });
});
