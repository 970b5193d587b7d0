import { createHash } from 'node:crypto';
import type { ChangeRecord, Row } from '../types';
import { ConnectorError } from '../errors';
import { stripAnnotations, versionFromEtag } from '../shared/odata';

/**
 * One page of a Dataverse change-tracking response: changed rows in their normal shape, deleted
 * rows as `{"@odata.context": "…/$deletedEntity", "id": "<guid>", "reason": "deleted"}` (OData
 * 4.0 JSON also allows `{"@removed": {"reason"}, "@id": "…(<guid>)"}`), then a nextLink or the
 * deltaLink. An empty body means "no changes".
 */
export interface DeltaPage {
  changes: ChangeRecord[];
  nextLink?: string;
  deltaLink?: string;
}

export function parseDeltaPage(body: unknown, options: { entitySet: string; idColumn: string; tokenForIds: string }): DeltaPage {
  if (body === undefined || body === null || body === '') return { changes: [] };
  if (typeof body !== 'object' || Array.isArray(body)) {
    throw new ConnectorError({ class: 'validation', message: `change-tracking response for ${options.entitySet} is not a JSON object` });
  }
  const b = body as Record<string, unknown>;
  const value = b.value ?? [];
  if (!Array.isArray(value)) throw new ConnectorError({ class: 'validation', message: `change-tracking response for ${options.entitySet} has a "value" that is not an array` });
  const changes = value.map((item, i) => toChange(item, i, options));
  const page: DeltaPage = { changes };
  if (typeof b['@odata.nextLink'] === 'string') page.nextLink = b['@odata.nextLink'];
  if (typeof b['@odata.deltaLink'] === 'string') page.deltaLink = b['@odata.deltaLink'];
  return page;
}

function toChange(item: unknown, index: number, options: { entitySet: string; idColumn: string; tokenForIds: string }): ChangeRecord {
  if (typeof item !== 'object' || item === null) {
    throw new ConnectorError({ class: 'validation', message: `change-tracking row ${index} of ${options.entitySet} is not an object` });
  }
  const row = item as Row;
  const context = typeof row['@odata.context'] === 'string' ? row['@odata.context'] : '';
  const removed = row['@removed'];
  if (context.endsWith('$deletedEntity') || removed !== undefined || (row.reason === 'deleted' && typeof row.id === 'string')) {
    const id = typeof row.id === 'string' ? row.id : idFromUrl(row['@id']);
    if (!id) throw new ConnectorError({ class: 'validation', message: `deleted-entity row ${index} of ${options.entitySet} has no id` });
    return {
      system: 'dataverse',
      entitySet: options.entitySet,
      op: 'delete',
      recordId: id,
      // The same delete is reported once per token; the token that reported it makes it unique.
      eventId: `${options.entitySet}:${id}:deleted:${hash(options.tokenForIds)}`,
    };
  }
  const id = row[options.idColumn];
  if (typeof id !== 'string') {
    throw new ConnectorError({ class: 'validation', message: `changed row ${index} of ${options.entitySet} has no ${options.idColumn}: include it in select or set entitySets.${options.entitySet}.idColumn` });
  }
  const values = stripAnnotations(row);
  const version = typeof row.versionnumber === 'number' || typeof row.versionnumber === 'string' ? String(row.versionnumber) : versionFromEtag(row['@odata.etag']);
  const change: ChangeRecord = {
    system: 'dataverse',
    entitySet: options.entitySet,
    op: 'upsert',
    recordId: id,
    values,
    eventId: `${options.entitySet}:${id}:${version ?? hash(JSON.stringify(values))}`,
  };
  if (version) change.version = version;
  if (typeof row.modifiedon === 'string') change.changedAt = row.modifiedon;
  if (typeof row._modifiedby_value === 'string') change.changedBy = row._modifiedby_value;
  return change;
}

function idFromUrl(url: unknown): string | undefined {
  if (typeof url !== 'string') return undefined;
  return /\(([0-9a-f-]{36})\)\s*$/i.exec(url)?.[1];
}

function hash(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 16);
}
