import { ApplicationFailure } from '@temporalio/common';
import { RETRYABLE_CLASSES, type ConnectorErrorInfo, type ErrorClass } from './types';

/**
 * The error every connector call throws. It carries the classification that decides what
 * happens next: retryable classes go back to Temporal's retry policy, permanent ones become
 * non-retryable failures that land in the error queue with the system's own code and message.
 */
export class ConnectorError extends Error {
  readonly info: ConnectorErrorInfo;

  constructor(info: ConnectorErrorInfo, options?: { cause?: unknown }) {
    super(describe(info), options);
    this.name = 'ConnectorError';
    this.info = info;
  }

  get retryable(): boolean {
    return isRetryable(this.info.class);
  }
}

function describe(info: ConnectorErrorInfo): string {
  const parts = [info.status === undefined ? undefined : `HTTP ${info.status}`, info.code ? `code ${info.code}` : undefined].filter(Boolean);
  return `${info.class}${parts.length ? ` (${parts.join(', ')})` : ''}: ${info.message}`;
}

export function isRetryable(errorClass: ErrorClass): boolean {
  return RETRYABLE_CLASSES.includes(errorClass);
}

/** Temporal failure type per error class, e.g. `DualWrite.MissingLookup`. */
export const FAILURE_TYPES: Readonly<Record<ErrorClass, string>> = {
  throttled: 'DualWrite.Throttled',
  unavailable: 'DualWrite.Unavailable',
  network: 'DualWrite.Network',
  timeout: 'DualWrite.Timeout',
  validation: 'DualWrite.Validation',
  'missing-lookup': 'DualWrite.MissingLookup',
  'not-found': 'DualWrite.NotFound',
  conflict: 'DualWrite.Conflict',
  auth: 'DualWrite.Auth',
  transform: 'DualWrite.Transform',
};

/** For `RetryPolicy.nonRetryableErrorTypes` of connector activities. */
export const NON_RETRYABLE_FAILURE_TYPES: readonly string[] = (Object.keys(FAILURE_TYPES) as ErrorClass[])
  .filter((c) => !isRetryable(c))
  .map((c) => FAILURE_TYPES[c]);

/**
 * Converts any error thrown by a connector into an ApplicationFailure for an activity to throw.
 * Permanent classes are non-retryable; a throttled error asks Temporal to wait at least the
 * Retry-After the system gave. Errors that are not ConnectorErrors are programming errors and
 * are passed through unchanged (Temporal retries them; the stack shows the bug).
 */
export function toApplicationFailure(err: ConnectorError): ApplicationFailure;
export function toApplicationFailure(err: unknown): unknown;
export function toApplicationFailure(err: unknown): unknown {
  if (!(err instanceof ConnectorError)) return err;
  const { info } = err;
  return ApplicationFailure.create({
    message: err.message,
    type: FAILURE_TYPES[info.class],
    nonRetryable: !isRetryable(info.class),
    details: [info],
    cause: err,
    ...(info.retryAfterMs !== undefined && isRetryable(info.class) ? { nextRetryDelay: info.retryAfterMs } : {}),
  });
}

/** For an activity's catch block: `catch (err) { throwAsApplicationFailure(err); }` */
export function throwAsApplicationFailure(err: unknown): never {
  throw toApplicationFailure(err);
}

export function connectorError(errorClass: ErrorClass, message: string, extra: Omit<ConnectorErrorInfo, 'class' | 'message'> = {}): ConnectorError {
  return new ConnectorError({ class: errorClass, message, ...extra });
}
