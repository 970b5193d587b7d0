import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { openStore } from '../store';
import { directoryMapProvider, publishedMapProvider } from './map-provider';

const CATALOG = join(__dirname, '../../maps');

test('published versions override the map files when newer; invalid or older ones do not', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'dualwrite-provider-'));
  const store = await openStore(`sqlite:${join(dir, 'store.db')}`);
  after(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const files = directoryMapProvider(CATALOG);
  const problems: string[] = [];
  const provider = publishedMapProvider(files, store.maps, { refreshMs: 0, onError: (m) => problems.push(m) });

  const original = await files.get('customer-groups');
  assert.equal((await provider.get('customer-groups')).version, original.version, 'without publications the file is served');

  const edited = { ...original, version: '9.1.0', description: 'edited in the console' };
  await store.maps.put('customer-groups', JSON.stringify(edited), { version: '9.1.0', publishedBy: 'admin' });
  assert.equal((await provider.get('customer-groups')).description, 'edited in the console');

  await store.maps.put('payment-terms', JSON.stringify({ ...(await files.get('payment-terms')), version: '0.0.1', description: 'older' }), { version: '0.0.1' });
  assert.notEqual((await provider.get('payment-terms')).description, 'older', 'an older publication does not replace a newer file');

  await store.maps.put('currencies', '{"name": "currencies", "version": "9.9.9"}', { version: '9.9.9' });
  assert.equal((await provider.get('currencies')).name, 'currencies', 'the file still serves');
  assert.ok(problems.some((p) => p.includes('currencies@9.9.9')), `the invalid publication is reported: ${problems.join(' | ')}`);
  assert.equal((await provider.all()).length, (await files.all()).length);
});
