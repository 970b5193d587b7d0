import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { startDataverseSandbox } from './server';

describe('Dataverse sandbox: SQLite file survives a restart', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dv-persist-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps rows, does not reseed, and keeps delta tokens valid', async () => {
    const dbFile = join(dir, 'dv.sqlite');
    const options = { port: 0, dbFile, seed: { seed: 2, accounts: 5, contacts: 0, vendors: 0, products: 0, salesOrders: 0 }, tokenSigningSecret: 'fixed' };
    const first = await startDataverseSandbox(options);
    const auth = { authorization: `Bearer ${first.token()}` };
    const tracked = (await (await fetch(`${first.serviceRoot}accounts?$select=name`, { headers: { ...auth, prefer: 'odata.track-changes' } })).json()) as { '@odata.deltaLink': string };
    const res = await fetch(`${first.serviceRoot}accounts`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify({ name: 'Survivor' }) });
    assert.equal(res.status, 204);
    const deltaPath = tracked['@odata.deltaLink'].slice(first.serviceRoot.length);
    await first.stop();

    const second = await startDataverseSandbox(options);
    try {
      assert.equal(second.seeded, undefined, 'an existing store is not reseeded');
      const auth2 = { authorization: `Bearer ${second.token()}` };
      assert.equal(await (await fetch(`${second.serviceRoot}accounts/$count`, { headers: auth2 })).text(), '6');
      const delta = (await (await fetch(`${second.serviceRoot}${deltaPath}`, { headers: auth2 })).json()) as { value: { name: string }[] };
      assert.deepEqual(delta.value.map((v) => v.name), ['Survivor']);
      const again = await fetch(`${second.serviceRoot}accounts`, { method: 'POST', headers: { ...auth2, 'content-type': 'application/json', prefer: 'return=representation' }, body: JSON.stringify({ name: 'After restart' }) });
      const row = (await again.json()) as { versionnumber: number };
      assert.ok(row.versionnumber > 5, 'versions continue after the stored maximum');
    } finally {
      await second.stop();
    }
  });
});
