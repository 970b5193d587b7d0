import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import type { EntitySetSchema } from '../../schema/entity-schema';
import { EntityStore, StoreError, type ChangeEvent } from './entity-store';

const groups: EntitySetSchema = {
  system: 'finops',
  entitySet: 'Groups',
  entityType: 'Group',
  primaryKey: ['dataAreaId', 'GroupId'],
  companySpecific: true,
  companyColumn: 'dataAreaId',
  modifiedColumn: 'Modified',
  changeTracking: true,
  columns: [
    { name: 'dataAreaId', type: 'string', maxLength: 4, required: true },
    { name: 'GroupId', type: 'string', maxLength: 10, required: true },
    { name: 'Description', type: 'string', maxLength: 20 },
    { name: 'Limit', type: 'decimal' },
    { name: 'Blocked', type: 'enum', enumSymbols: ['No', 'All'] },
    { name: 'Flag', type: 'bool' },
    { name: 'Modified', type: 'datetime', readOnly: true },
  ],
};

const dir = mkdtempSync(join(tmpdir(), 'entity-store-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function withStore(fn: (s: EntityStore) => void | Promise<void>) {
  return async () => {
    const s = new EntityStore({ file: ':memory:', schemas: [groups], now: () => new Date('2026-01-02T03:04:05.000Z') });
    try {
      await fn(s);
    } finally {
      s.close();
    }
  };
}

const storeErr = (status: number, re: RegExp) => (e: unknown) => e instanceof StoreError && e.status === status && re.test(e.message);

describe('entity-store', () => {
  test(
    'insert, get, update, delete round-trip JSON values and stamp the modified column',
    withStore((s) => {
      const row = s.insert('Groups', { dataAreaId: 'usmf', GroupId: '10', Description: 'Wholesale', Limit: '12.5', Flag: true, Blocked: 'No', '@odata.type': '#x' });
      assert.deepEqual(row, { dataAreaId: 'usmf', GroupId: '10', Description: 'Wholesale', Limit: 12.5, Blocked: 'No', Flag: true, Modified: '2026-01-02T03:04:05.000Z' });
      assert.deepEqual(s.get('Groups', { dataAreaId: 'USMF', GroupId: '10' }), row, 'keys compare case-insensitively');
      const { row: updated, previous } = s.update('Groups', { dataAreaId: 'usmf', GroupId: '10' }, { Description: 'Retail', Flag: false });
      assert.equal(updated.Description, 'Retail');
      assert.equal(updated.Flag, false);
      assert.equal(previous.Description, 'Wholesale');
      assert.deepEqual(s.delete('Groups', { dataAreaId: 'usmf', GroupId: '10' }).Description, 'Retail');
      assert.equal(s.get('Groups', { dataAreaId: 'usmf', GroupId: '10' }), undefined);
    }),
  );

  test(
    'validation errors name the column and what was expected',
    withStore((s) => {
      assert.throws(() => s.insert('Groups', { dataAreaId: 'usmf' }), storeErr(400, /'GroupId'.*required/));
      assert.throws(() => s.insert('Groups', { dataAreaId: 'usmf', GroupId: '1', Description: 'x'.repeat(21) }), storeErr(400, /21 characters long; the maximum length is 20/));
      assert.throws(() => s.insert('Groups', { dataAreaId: 'usmf', GroupId: '1', Blocked: 'Maybe' }), storeErr(400, /'Blocked'.*one of the enum symbols No, All/));
      assert.throws(() => s.insert('Groups', { dataAreaId: 'usmf', GroupId: '1', Limit: 'lots' }), storeErr(400, /'Limit'.*expected a number/));
      assert.throws(() => s.insert('Groups', { dataAreaId: 'usmf', GroupId: '1', Flag: 'yes' }), storeErr(400, /true or false/));
      assert.throws(() => s.insert('Groups', { dataAreaId: 'usmf', GroupId: '1', description: 'x' }), storeErr(400, /'description' does not exist.*did you mean 'Description'/));
      assert.throws(() => s.insert('Groups', { dataAreaId: 'usmf', GroupId: '1', Modified: '2020-01-01T00:00:00Z' }, { readOnly: 'reject' }), storeErr(400, /read-only/));
      s.insert('Groups', { dataAreaId: 'usmf', GroupId: '1' });
      assert.throws(() => s.insert('Groups', { dataAreaId: 'usmf', GroupId: '1' }), storeErr(409, /already exists/));
      assert.throws(() => s.update('Groups', { dataAreaId: 'usmf', GroupId: '2' }, { Description: 'x' }), storeErr(404, /No record/));
      assert.throws(() => s.update('Groups', { dataAreaId: 'usmf', GroupId: '1' }, { GroupId: '3' }), storeErr(400, /cannot be changed/));
      assert.throws(() => s.delete('Groups', { dataAreaId: 'usmf' } as never), storeErr(400, /key property 'GroupId' .* missing/));
      assert.throws(() => s.query('Nope'), storeErr(404, /'Nope'/));
    }),
  );

  test(
    'query: filter, extra where, order, keyset and offset paging, count, select',
    withStore((s) => {
      s.bulkLoad(
        'Groups',
        Array.from({ length: 25 }, (_, i) => ({ dataAreaId: i % 2 ? 'usmf' : 'usrt', GroupId: `G${String(i).padStart(2, '0')}`, Limit: i })),
      );
      const all = s.query('Groups', { where: { sql: '"dataAreaId" = ?', params: ['usmf'] }, count: true, limit: 5 });
      assert.equal(all.count, 12);
      assert.deepEqual(all.rows.map((r) => r.GroupId), ['G01', 'G03', 'G05', 'G07', 'G09']);
      const next = s.query('Groups', { where: { sql: '"dataAreaId" = ?', params: ['usmf'] }, limit: 5, after: all.lastKey });
      assert.deepEqual(next.rows.map((r) => r.GroupId), ['G11', 'G13', 'G15', 'G17', 'G19']);
      const ordered = s.query('Groups', { filter: 'Limit ge 20', orderBy: 'Limit desc', skip: 1, limit: 2, select: ['GroupId'] });
      assert.deepEqual(ordered.rows, [{ GroupId: 'G23' }, { GroupId: 'G22' }]);
      assert.equal(ordered.lastKey, undefined, 'no keyset cursor with a custom order');
      assert.equal(s.count('Groups'), 25);
    }),
  );

  test(
    'checksum depends on content only, not on write order or timestamps',
    withStore((s) => {
      const other = new EntityStore({ file: ':memory:', schemas: [groups] });
      try {
        s.insert('Groups', { dataAreaId: 'usmf', GroupId: 'A', Description: 'x' });
        s.insert('Groups', { dataAreaId: 'usmf', GroupId: 'B' });
        other.insert('Groups', { dataAreaId: 'usmf', GroupId: 'B' });
        other.insert('Groups', { dataAreaId: 'usmf', GroupId: 'A', Description: 'x' });
        assert.deepEqual(s.checksum('Groups'), other.checksum('Groups'));
        other.update('Groups', { dataAreaId: 'usmf', GroupId: 'A' }, { Description: 'y' });
        assert.notEqual(s.checksum('Groups').checksum, other.checksum('Groups').checksum);
      } finally {
        other.close();
      }
    }),
  );

  test(
    'change events publish after commit, never for rolled-back work; change tracking keeps tombstones',
    withStore(async (s) => {
      const events: ChangeEvent[] = [];
      s.onChange((e) => events.push(e));
      s.insert('Groups', { dataAreaId: 'usmf', GroupId: 'A' });
      assert.equal(events.length, 1);
      const v1 = s.currentVersion();
      await assert.rejects(
        s.exclusive(async () => {
          await s.write(() => s.insert('Groups', { dataAreaId: 'usmf', GroupId: 'B' }));
          assert.equal(events.length, 1, 'not published before commit');
          throw new Error('boom');
        }),
        /boom/,
      );
      assert.equal(s.get('Groups', { dataAreaId: 'usmf', GroupId: 'B' }), undefined);
      assert.equal(events.length, 1);
      assert.equal(s.currentVersion(), v1);
      await s.exclusive(async () => {
        await s.write(() => s.update('Groups', { dataAreaId: 'usmf', GroupId: 'A' }, { Description: 'd' }));
        await s.write(() => s.delete('Groups', { dataAreaId: 'usmf', GroupId: 'A' }));
      });
      assert.deepEqual(events.map((e) => e.message), ['Create', 'Update', 'Delete']);
      const changes = s.changesSince('Groups', v1);
      assert.deepEqual(changes.deletes.map((d) => d.key), [{ dataAreaId: 'usmf', GroupId: 'A' }]);
      assert.equal(changes.maxVersion, s.currentVersion());
    }),
  );

  test('a write waits for an open change set instead of joining it', async () => {
    const s = new EntityStore({ file: ':memory:', schemas: [groups] });
    try {
      let release!: () => void;
      const gate = new Promise<void>((r) => (release = r));
      const changeSet = s
        .exclusive(async () => {
          await s.write(() => s.insert('Groups', { dataAreaId: 'usmf', GroupId: 'CS' }));
          await gate;
          throw new Error('rollback');
        })
        .catch(() => 'rolled back');
      const outside = s.write(() => s.insert('Groups', { dataAreaId: 'usmf', GroupId: 'OUT' }));
      release();
      assert.equal(await changeSet, 'rolled back');
      await outside;
      assert.deepEqual(s.query('Groups').rows.map((r) => r.GroupId), ['OUT']);
    } finally {
      s.close();
    }
  });

  test('a file store persists rows and versions across reopen', () => {
    const file = join(dir, 'persist.db');
    const a = new EntityStore({ file, schemas: [groups] });
    a.insert('Groups', { dataAreaId: 'usmf', GroupId: 'P' });
    const v = a.currentVersion();
    a.close();
    const b = new EntityStore({ file, schemas: [groups] });
    try {
      assert.equal(b.count('Groups'), 1);
      assert.equal(b.currentVersion(), v);
    } finally {
      b.close();
    }
  });
});
