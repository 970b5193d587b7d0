import type { Store } from '../store';
import { daysBefore } from './time-arg';

export interface RetentionDays {
  /** Resolved and discarded error records; default 30. Open ones are never purged. */
  errorsDays?: number;
  /** Activity log entries; default 30. */
  logsDays?: number;
  /** Settled inbox rows (done, parked, discarded; their event ids stop de-duplicating); default 7. */
  inboxDays?: number;
}

export interface PurgeResult {
  errors: number;
  logs: number;
  inbox: number;
}

/** The retention job: run it daily (the worker or the API schedules it). Pending changes and open errors stay. */
export async function purgeExpired(store: Pick<Store, 'errors' | 'log' | 'inbox'>, retention: RetentionDays = {}, now: Date = new Date()): Promise<PurgeResult> {
  const errorsBefore = daysBefore(now, retention.errorsDays ?? 30, 'errorsDays');
  const logsBefore = daysBefore(now, retention.logsDays ?? 30, 'logsDays');
  const inboxBefore = daysBefore(now, retention.inboxDays ?? 7, 'inboxDays');
  const errors = await store.errors.purge(errorsBefore);
  const logs = await store.log.purge(logsBefore);
  const inbox = await store.inbox.purge(inboxBefore);
  return { errors, logs, inbox };
}
