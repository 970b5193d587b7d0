import type { Client } from '@temporalio/client';
import type { MapProvider } from '../runtime/map-provider';
import type { Store } from '../store';
import type { TokenStore } from './auth/tokens';

/** What the management routes under /api/v1 need. */
export interface ManagementDependencies {
  store: Store;
  client: Client;
  maps: MapProvider;
  tokens: TokenStore;
  /** Task queue the enable workflow starts on; default TASK_QUEUE. */
  taskQueue?: string;
  /** How long a status query or describe may take before the map is reported Unknown; default 5 s. */
  statusTimeoutMs?: number;
  /** Receives one structured line per request (method, path, status, ms, caller); default none. */
  accessLog?: (entry: AccessLogEntry) => void;
}

export interface AccessLogEntry {
  method: string;
  path: string;
  status: number;
  ms: number;
  /** The token holder's name, when the request carried a valid token. */
  caller?: string;
}
