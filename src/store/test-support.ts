import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { type Store, openStore } from './open-store';

/**
 * Test-only: the dialects every store test runs on. SQLite gets a temp file; PostgreSQL a fresh
 * schema per target (so parallel test files never collide), dropped again by `cleanup`.
 * `DUALWRITE_TEST_POSTGRES_URL` overrides the server; setting it to `skip` leaves PostgreSQL out.
 */
export interface StoreTarget {
  name: 'sqlite' | 'postgres';
  /** The URL `open` uses; reopening it reaches the same data. */
  url: string;
  open(): Promise<Store>;
  /** Closes every store opened through this target and removes its data. */
  cleanup(): Promise<void>;
}

export const TEST_POSTGRES_URL = process.env.DUALWRITE_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export function storeTargets(): StoreTarget[] {
  const targets = [sqliteTarget()];
  if (TEST_POSTGRES_URL !== 'skip') targets.push(postgresTarget(TEST_POSTGRES_URL));
  return targets;
}

function tracked(url: string, cleanupData: () => Promise<void>, name: StoreTarget['name']): StoreTarget {
  const opened: Store[] = [];
  return {
    name,
    url,
    async open() {
      const store = await openStore(url);
      opened.push(store);
      return store;
    },
    async cleanup() {
      await Promise.all(opened.map((s) => s.close()));
      await cleanupData();
    },
  };
}

function sqliteTarget(): StoreTarget {
  const dir = mkdtempSync(join(tmpdir(), 'dualwrite-store-'));
  return tracked(`sqlite:${join(dir, 'store.db')}`, () => Promise.resolve(rmSync(dir, { recursive: true, force: true })), 'sqlite');
}

function postgresTarget(base: string): StoreTarget {
  const schema = `t_${randomBytes(6).toString('hex')}`;
  const url = new URL(base);
  url.searchParams.set('schema', schema);
  return tracked(
    url.toString(),
    async () => {
      const client = new Client({ connectionString: base });
      await client.connect();
      try {
        await client.query(`drop schema if exists "${schema}" cascade`);
      } finally {
        await client.end();
      }
    },
    'postgres',
  );
}
