import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore, type Store } from '../../store';

/** Test only: a store in a SQLite file of its own; `cleanup` closes it and removes the folder. */
export async function openTempStore(): Promise<{ store: Store; url: string; cleanup(): Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'dualwrite-alerts-'));
  const url = `sqlite:${join(dir, 'control.db')}`;
  const store = await openStore(url);
  return {
    store,
    url,
    async cleanup() {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Records `count` failures of one class for distinct keys of a map, all seen at `at`. */
export async function recordFailures(store: Store, map: string, count: number, opts: { class?: 'validation' | 'conflict' | 'missing-lookup'; at: string; keyPrefix?: string }): Promise<void> {
  await store.errors.record(
    Array.from({ length: count }, (_, i) => ({
      map,
      direction: 'finops-to-dataverse' as const,
      recordKey: `${opts.keyPrefix ?? 'usmf|C'}${String(i).padStart(4, '0')}`,
      class: opts.class ?? 'validation',
      httpStatus: 400,
      code: '0x80040203',
      message: `Field accountnumber of record ${i} is not valid`,
      payload: { accountnumber: `C${i}` },
      change: { op: 'upsert' as const, payload: { CustomerAccount: `C${i}`, dataAreaId: 'usmf' } },
      at: opts.at,
    })),
  );
}
