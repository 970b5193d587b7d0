import { type StoreContext } from './context';
import { requireText } from './values';

/**
 * Short, fair leases on a name, shared by every worker on the same store. The live drains of a
 * map's two directions take the map's lease around each batch, so that a record's read, decision
 * and write in one direction never interleave with the other direction's (docs/reliability.md,
 * "Ordering"). A holder that dies loses its lease when it expires. Fair: a refused caller queues
 * as the next holder, so a busy direction taking batch after batch cannot starve the other.
 */
export interface MapLeases {
  /**
   * Takes `name` for `holder` for `ttlMs` from now when it is free (or expired) and nobody else
   * queued first, or extends it when `holder` already has it. Refused, the caller queues as the
   * next holder for `queueMs` (ask again within that time to keep the place). True when taken.
   */
  tryAcquire(name: string, holder: string, ttlMs: number, queueMs?: number): Promise<boolean>;
  /** Gives `name` back if `holder` has it, keeping whoever queued next; else changes nothing. */
  release(name: string, holder: string): Promise<void>;
}

export function createMapLeases(ctx: StoreContext): MapLeases {
  const { db } = ctx;
  return {
    async tryAcquire(name, holder, ttlMs, queueMs = 1000) {
      requireText(name, 'leases.tryAcquire: name');
      requireText(holder, 'leases.tryAcquire: holder');
      for (const [field, value] of [['ttlMs', ttlMs], ['queueMs', queueMs]] as const) {
        if (!Number.isInteger(value) || value <= 0) throw new Error(`leases.tryAcquire("${name}"): ${field} must be a positive integer of milliseconds, got ${value}`);
      }
      // Epoch milliseconds, so that both dialects compare numbers and no clock text is parsed.
      const now = Date.now();
      const taken = await db
        .insertInto('map_leases')
        .values({ name, holder, expires_at: now + ttlMs, next_holder: null, next_until: null })
        .onConflict((oc) =>
          oc
            .column('name')
            .doUpdateSet((eb) => ({ holder: eb.ref('excluded.holder'), expires_at: eb.ref('excluded.expires_at'), next_holder: null, next_until: null }))
            .where((eb) =>
              eb.or([
                eb('map_leases.holder', '=', holder),
                eb.and([
                  eb('map_leases.expires_at', '<=', now),
                  eb.or([eb('map_leases.next_holder', 'is', null), eb('map_leases.next_holder', '=', holder), eb('map_leases.next_until', '<=', now)]),
                ]),
              ]),
            ),
        )
        .returning('holder')
        .executeTakeFirst();
      if (taken?.holder === holder) return true;
      await db
        .updateTable('map_leases')
        .set({ next_holder: holder, next_until: now + queueMs })
        .where('name', '=', name)
        .where('holder', '!=', holder)
        .where((eb) => eb.or([eb('next_holder', 'is', null), eb('next_holder', '=', holder), eb('next_until', '<=', now)]))
        .execute();
      return false;
    },

    async release(name, holder) {
      await db.updateTable('map_leases').set({ expires_at: 0 }).where('name', '=', name).where('holder', '=', holder).execute();
    },
  };
}
