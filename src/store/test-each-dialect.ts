import { after, before, describe } from 'node:test';
import type { Store } from './open-store';
import { type StoreTarget, storeTargets } from './test-support';

/**
 * Test-only: declares the same suite once per dialect, each with its own store (a temp SQLite
 * file, a fresh PostgreSQL schema) opened before and removed after the suite.
 */
export function describeEachDialect(title: string, body: (store: () => Store, target: StoreTarget) => void): void {
  for (const target of storeTargets()) {
    describe(`${title} [${target.name}]`, () => {
      let store: Store | undefined;
      before(async () => {
        store = await target.open();
      });
      after(() => target.cleanup());
      body(() => {
        if (store === undefined) throw new Error('the store is not open yet: use it inside tests, not while declaring them');
        return store;
      }, target);
    });
  }
}
