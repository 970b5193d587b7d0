import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { describeLocation, maskPassword, parseDatabaseUrl } from './database-url';

describe('parseDatabaseUrl', () => {
  it('defaults to .data/dualwrite.db under the working directory', () => {
    assert.deepEqual(parseDatabaseUrl(undefined, '/srv/app'), { dialect: 'sqlite', path: '/srv/app/.data/dualwrite.db' });
    assert.deepEqual(parseDatabaseUrl('  ', '/srv/app'), { dialect: 'sqlite', path: '/srv/app/.data/dualwrite.db' });
  });

  it('accepts SQLite paths in every documented form', () => {
    assert.deepEqual(parseDatabaseUrl('sqlite:db/x.db', '/srv'), { dialect: 'sqlite', path: '/srv/db/x.db' });
    assert.deepEqual(parseDatabaseUrl('sqlite:///var/x.db', '/srv'), { dialect: 'sqlite', path: '/var/x.db' });
    assert.deepEqual(parseDatabaseUrl('file:/var/x.db', '/srv'), { dialect: 'sqlite', path: '/var/x.db' });
    assert.deepEqual(parseDatabaseUrl('file:///var/my%20x.db', '/srv'), { dialect: 'sqlite', path: '/var/my x.db' });
    assert.deepEqual(parseDatabaseUrl('plain.db', '/srv'), { dialect: 'sqlite', path: '/srv/plain.db' });
    assert.deepEqual(parseDatabaseUrl(':memory:'), { dialect: 'sqlite', path: ':memory:' });
    assert.deepEqual(parseDatabaseUrl('sqlite::memory:'), { dialect: 'sqlite', path: ':memory:' });
  });

  it('selects PostgreSQL for postgres:// and postgresql:// and takes the schema parameter out', () => {
    assert.deepEqual(parseDatabaseUrl('postgres://u:p@db:5433/dw'), { dialect: 'postgres', connectionString: 'postgres://u:p@db:5433/dw' });
    assert.deepEqual(parseDatabaseUrl('postgresql://u@db/dw?schema=sync_1&sslmode=require'), {
      dialect: 'postgres',
      connectionString: 'postgresql://u@db/dw?sslmode=require',
      schema: 'sync_1',
    });
  });

  it('rejects unknown schemes, empty paths and unsafe schema names with the accepted forms, password masked', () => {
    assert.throws(() => parseDatabaseUrl('mysql://root:hunter2@db/x'), (error: Error) => {
      assert.match(error.message, /DUALWRITE_DATABASE_URL "mysql:\/\/root:\*\*\*@db\/x" is not usable: unsupported scheme "mysql:"/);
      assert.match(error.message, /postgres:\/\//);
      assert.doesNotMatch(error.message, /hunter2/);
      return true;
    });
    assert.throws(() => parseDatabaseUrl('sqlite:'), /the SQLite path is empty/);
    assert.throws(() => parseDatabaseUrl('postgres://u@db/x?schema=a;drop'), /schema "a;drop" is not a plain lower-case identifier/);
    assert.throws(() => parseDatabaseUrl('postgres://'), /the host is missing/);
  });

  it('masks passwords in descriptions', () => {
    assert.equal(maskPassword('postgres://u:s3cret@h:1/d'), 'postgres://u:***@h:1/d');
    assert.equal(maskPassword('postgres://u@h/d'), 'postgres://u@h/d');
    assert.equal(describeLocation(parseDatabaseUrl('postgres://u:s3cret@h/d?schema=x')), 'PostgreSQL postgres://u:***@h/d (schema x)');
  });
});
