import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { openStore } from './open-store';
import { TEST_POSTGRES_URL, type StoreTarget, storeTargets } from './test-support';

describe('openStore', () => {
  const extraTargets: StoreTarget[] = [];
  after(() => Promise.all(extraTargets.map((t) => t.cleanup())));
  const freshTargets = () => {
    const targets = storeTargets();
    extraTargets.push(...targets);
    return targets;
  };

  for (const target of freshTargets()) {
    it(`re-opens an existing ${target.name} store without re-running migrations, data intact`, async () => {
      const first = await target.open();
      assert.equal(first.dialect, target.name);
      await first.state.set('survives', { ok: true });
      await first.close();
      await first.close();
      const second = await target.open();
      assert.deepEqual(await second.state.get('survives'), { ok: true });
      const third = await target.open();
      assert.deepEqual(await third.state.get('survives'), { ok: true }, 'two open stores share the data');
    });
  }

  for (const target of freshTargets()) {
    it(`lets several processes' worth of concurrent opens migrate a new ${target.name} store once`, async () => {
      const stores = await Promise.all([target.open(), target.open(), target.open()]);
      await stores[0]?.maps.put('m', '{}', { version: '1' });
      for (const store of stores) assert.equal((await store.maps.list()).length, 1);
    });
  }

  it('lets separate processes create, migrate and write one new SQLite file at the same time', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dualwrite-store-procs-'));
    try {
      const url = `sqlite:${join(dir, 'shared.db')}`;
      const child = `
        const { openStore } = require(${JSON.stringify(join(__dirname, 'open-store.ts'))});
        (async () => {
          const store = await openStore(process.argv[1]);
          for (let i = 0; i < 20; i++) {
            await store.inbox.append([{ map: 'procs', direction: 'finops-to-dataverse', recordKey: 'k' + i, op: 'upsert', eventId: process.argv[2] + '-' + i }]);
          }
          await store.close();
        })().catch((error) => { console.error(error.message); process.exit(1); });`;
      const run = promisify(execFile);
      const children = await Promise.allSettled(['a', 'b', 'c'].map((name) => run(process.execPath, ['--import', 'tsx', '--eval', child, url, name], { cwd: join(__dirname, '..', '..') })));
      for (const result of children) if (result.status === 'rejected') throw result.reason;
      const store = await openStore(url);
      try {
        assert.equal(await store.inbox.count({ map: 'procs' }), 60);
      } finally {
        await store.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('opens an in-memory SQLite store', async () => {
    const store = await openStore(':memory:');
    try {
      await store.inbox.append([{ map: 'm', direction: 'dataverse-to-finops', recordKey: 'k', op: 'delete', eventId: 'e' }]);
      assert.equal(await store.inbox.count(), 1);
      assert.equal(store.description, 'SQLite :memory:');
    } finally {
      await store.close();
    }
  });

  it('refuses an unsupported URL before touching anything', async () => {
    await assert.rejects(openStore('mysql://root:hunter2@localhost/dualwrite'), (error: Error) => {
      assert.match(error.message, /^DUALWRITE_DATABASE_URL "mysql:\/\/root:\*\*\*@localhost\/dualwrite" is not usable: unsupported scheme "mysql:"; expected /);
      assert.doesNotMatch(error.message, /hunter2/);
      return true;
    });
  });

  it('explains a SQLite path that cannot be created', async () => {
    await assert.rejects(openStore('sqlite:/dev/null/inside/store.db'), /^Error: cannot open the control store \(SQLite \/dev\/null\/inside\/store\.db\): .*ENOTDIR/);
  });

  it('explains an unreachable PostgreSQL server without revealing the password', async () => {
    await assert.rejects(openStore('postgres://dw:hunter2@127.0.0.1:1/dualwrite'), (error: Error) => {
      assert.match(error.message, /^cannot open the control store \(PostgreSQL postgres:\/\/dw:\*\*\*@127\.0\.0\.1:1\/dualwrite\): .*ECONNREFUSED/);
      assert.doesNotMatch(error.message, /hunter2/);
      return true;
    });
  });

  it('explains a PostgreSQL database that does not exist', { skip: TEST_POSTGRES_URL === 'skip' }, async () => {
    const url = new URL(TEST_POSTGRES_URL);
    url.pathname = '/dualwrite_no_such_database';
    await assert.rejects(openStore(url.toString()), /cannot open the control store \(PostgreSQL .*dualwrite_no_such_database\): database "dualwrite_no_such_database" does not exist/);
  });
});
