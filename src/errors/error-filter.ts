import { DIRECTIONS, type Direction, ERROR_QUEUE_CLASSES, ERROR_STATUSES, type ErrorFilter, type ErrorQueueClass, type ErrorStatus } from '../store';
import { parseTimeArg } from './time-arg';

/**
 * An error-queue filter as it arrives from a command line or a query string: lists may be
 * arrays or comma-separated text, times may be durations back from now (`15m`). Every field is
 * optional; an empty object selects everything.
 */
export interface ErrorFilterInput {
  map?: string;
  direction?: string;
  class?: string | readonly string[];
  status?: string | readonly string[];
  text?: string;
  since?: string;
  until?: string;
}

function splitList(value: string | readonly string[] | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  const items = (typeof value === 'string' ? [value] : [...value]).flatMap((v) => v.split(',')).map((v) => v.trim()).filter(Boolean);
  return items.length === 0 ? undefined : items;
}

function oneOf<T extends string>(values: string[], allowed: readonly T[], field: string): T[] {
  for (const v of values) {
    if (!(allowed as readonly string[]).includes(v)) throw new Error(`${field}: "${v}" is not valid: expected one of ${allowed.join(', ')}`);
  }
  return values as T[];
}

/** Validates and normalises a filter; throws a message naming the field and the accepted values. */
export function toErrorFilter(input: ErrorFilterInput, now: Date = new Date()): ErrorFilter {
  const filter: ErrorFilter = {};
  if (input.map !== undefined && input.map !== '') filter.map = input.map;
  if (input.direction !== undefined && input.direction !== '') filter.direction = oneOf([input.direction], DIRECTIONS, 'direction')[0] as Direction;
  const classes = splitList(input.class);
  if (classes) filter.class = oneOf<ErrorQueueClass>(classes, ERROR_QUEUE_CLASSES, 'class');
  const statuses = splitList(input.status);
  if (statuses) filter.status = oneOf<ErrorStatus>(statuses, ERROR_STATUSES, 'status');
  if (input.text !== undefined && input.text !== '') filter.text = input.text;
  if (input.since !== undefined && input.since !== '') filter.since = parseTimeArg(input.since, 'since', now);
  if (input.until !== undefined && input.until !== '') filter.until = parseTimeArg(input.until, 'until', now);
  return filter;
}
