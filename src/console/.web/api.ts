import type { ColumnMapping, TableMap } from '../../maps/schema';

export type { ColumnMapping, TableMap };
export type Role = 'viewer' | 'operator' | 'admin';
export interface Caller {
  name: string;
  role: Role;
}

const ROLE_ORDER: Role[] = ['viewer', 'operator', 'admin'];
/** The console offers an action only when the caller's role may do it (the API checks again). */
export function may(caller: Caller, needed: Role): boolean {
  return ROLE_ORDER.indexOf(caller.role) >= ROLE_ORDER.indexOf(needed);
}

/** The API's one error body, as an exception: `code` is stable, `message` says what to do. */
export class ApiFailure extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

export const API_BASE = '/api/v1';

export async function apiRequest<T>(token: string, method: string, path: string, body?: unknown): Promise<T> {
  let res: Response;
  try {
    res = await fetch(`${API_BASE}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
  } catch (err) {
    throw new ApiFailure(0, 'network', `the API did not answer: ${(err as Error).message}`);
  }
  const text = await res.text();
  let data: unknown = undefined;
  try {
    data = text ? JSON.parse(text) : undefined;
  } catch {
    // A proxy's HTML error page: reported below with the status.
  }
  if (!res.ok) {
    const error = (data as { error?: { code?: string; message?: string; details?: unknown } } | undefined)?.error;
    throw new ApiFailure(res.status, error?.code ?? 'http-error', error?.message ?? `HTTP ${res.status} from ${method} ${path}`, error?.details);
  }
  return data as T;
}

export type MapState = 'InitialSync' | 'Running' | 'Paused' | 'CatchingUp' | 'Stopped' | 'Failed' | 'NotRunning' | 'Unknown';

export interface MapStatusInfo {
  backlog?: number;
  counts?: Record<string, number>;
  lastSyncedAt?: string | null;
  lastError?: string | null;
  pending?: string | null;
  pausedBy?: string | null;
  pauseReason?: string | null;
  lagSeconds?: number | null;
  initialSync?: { runs: number; workflowId: string | null; result: Record<string, number> | null };
}

export interface LiveStatus {
  map: string;
  state: MapState;
  workflowId: string;
  workflowStatus?: string;
  status?: MapStatusInfo;
  statusError?: string;
}

export interface MapSummary {
  name: string;
  version: string;
  publisher: string;
  description?: string;
  scope: 'company' | 'global';
  source: 'files' | 'store';
  publishedBy?: string;
  publishedAt?: string;
  live: LiveStatus;
}

export interface MapDetail extends MapSummary {
  definition: TableMap;
}

export interface MapProblem {
  path: string;
  code: string;
  message: string;
  expected: string;
  hint?: string;
}

export interface PreviewRow {
  source: Record<string, unknown>;
  filtered: boolean;
  key?: Record<string, unknown>;
  values: Record<string, unknown>;
  errors: { column: string; class: string; message: string }[];
}
export interface PreviewSide {
  direction: 'finops-to-dataverse' | 'dataverse-to-finops';
  source: 'finops' | 'dataverse';
  entitySet: string;
  readError?: string;
  rows: PreviewRow[];
}
export interface PreviewResult {
  valid: boolean;
  errors: MapProblem[];
  sides: PreviewSide[];
}

export interface ErrorRecord {
  id: number;
  map: string;
  direction: string;
  recordKey: string;
  recordId?: string;
  class: string;
  httpStatus?: number;
  code?: string;
  message: string;
  payload: unknown;
  change?: unknown;
  attempts: number;
  firstSeenAt: string;
  lastSeenAt: string;
  status: string;
  statusChangedAt: string;
}

export interface RetryResult {
  retried: number;
  requeued: number;
  skippedIds: number[];
  notRunning: string[];
}

export interface ActivityEntry {
  id: number;
  at: string;
  map?: string;
  type: string;
  level: string;
  message: string;
  data?: unknown;
  actor?: string;
}

export type AlertCondition =
  | { kind: 'errorCount'; class?: string | string[]; threshold: number; windowSeconds: number }
  | { kind: 'backlog'; threshold: number }
  | { kind: 'lagSeconds'; threshold: number }
  | { kind: 'mapFailed' };

export interface AlertRule {
  id: string;
  name: string;
  map?: string;
  condition: AlertCondition;
  action: 'none' | 'pause' | 'stop';
  notify?: { email?: string[]; webhooks?: unknown[] };
  enabled: boolean;
  createdAt: string;
  updatedAt: string;
}

export interface AlertState {
  ruleId: string;
  subject: string;
  status: 'firing' | 'cleared';
  firingSince?: string;
  message?: string;
  lastEvaluatedAt: string;
}

export interface Page<T> {
  items: T[];
  nextCursor?: string;
}

export const ERROR_CLASSES = ['throttled', 'unavailable', 'network', 'timeout', 'validation', 'missing-lookup', 'not-found', 'conflict', 'auth', 'transform', 'parked'] as const;
export const ERROR_STATUSES = ['open', 'retrying', 'resolved', 'discarded'] as const;
export const RESUME_MODES = ['drain', 'park', 'discard'] as const;

/** Query string from the set fields of a filter. */
export function query(params: Record<string, string | undefined>): string {
  const search = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') search.set(k, v);
  const text = search.toString();
  return text ? `?${text}` : '';
}
