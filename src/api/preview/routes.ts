import { z } from 'zod';
import { LookupResolver } from '../../../activities/sync/apply/lookup-resolver';
import type { Connector, Row } from '../../connectors/types';
import { matchesFilter } from '../../maps/filter';
import { lookupRequests } from '../../maps/lookups';
import type { MapSide, TableMap, TransformDirection } from '../../maps/schema';
import { transformRecord, type TransformError } from '../../maps/transform';
import type { EntitySetSchema, SystemName } from '../../schema/entity-schema';
import { STANDARD_SCHEMAS } from '../../runtime/sync-dependencies';
import type { ManagementDependencies } from '../deps';
import { ApiError } from '../errors';
import { loadCatalogView } from '../maps/catalog';
import { MapErrorSchema, validateDefinition } from '../maps/definitions';
import { defineRoute, type ApiRoute } from '../routing/route';
import { MAP_NAME_PATTERN } from '../../maps/schema';

/** What the preview needs beyond the management API: connectors to read sample rows and resolve lookups. */
export interface PreviewDependencies {
  /** Without them the preview runs only on samples posted in the request (lookups stay unresolved). */
  connectors?: Record<SystemName, Connector>;
  /** Entity set schemas (lookup navigation properties, primary keys); default the standard ones. */
  schemas?: EntitySetSchema[];
}

const DEFAULT_SAMPLE_SIZE = 5;
const SampleRows = z.array(z.record(z.string(), z.unknown())).max(50);
const PreviewBody = z.strictObject({
  definition: z.unknown().describe('The draft map definition (maps/schema.json); it need not be published.'),
  limit: z.number().int().min(1).max(50).optional().describe(`Rows read from each side (default ${DEFAULT_SAMPLE_SIZE}).`),
  samples: z
    .strictObject({ finops: SampleRows.optional(), dataverse: SampleRows.optional() })
    .optional()
    .describe('Source rows to transform instead of reading them (a side given here is not read): pass back `sides[].rows[].source` so edits are previewed on the same rows.'),
});

const PreviewRowSchema = z.object({
  source: z.record(z.string(), z.unknown()),
  filtered: z.boolean().describe('The side\'s filter rejects the row: the map would not sync it.'),
  key: z.record(z.string(), z.unknown()).optional(),
  values: z.record(z.string(), z.unknown()),
  errors: z.array(z.object({ column: z.string(), class: z.string(), message: z.string() })),
});
const PreviewSideSchema = z.object({
  direction: z.enum(['finops-to-dataverse', 'dataverse-to-finops']),
  source: z.enum(['finops', 'dataverse']),
  entitySet: z.string(),
  readError: z.string().optional(),
  rows: z.array(PreviewRowSchema),
});

interface PreviewRow {
  source: Row;
  filtered: boolean;
  key?: Record<string, unknown>;
  values: Row;
  errors: TransformError[];
}

const DIRECTION_OF: Record<MapSide, TransformDirection> = { finops: 'finops-to-dataverse', dataverse: 'dataverse-to-finops' };

/** Directions in which at least one column flows: a one-way map previews one side only. */
function sourceSides(map: TableMap): MapSide[] {
  const sides: MapSide[] = [];
  if (map.columns.some((c) => c.direction !== '<-' && c.dataverse !== undefined)) sides.push('finops');
  if (map.columns.some((c) => c.direction !== '->' && c.finops !== undefined)) sides.push('dataverse');
  return sides;
}

/**
 * Runs a draft map on sample rows of both systems, server side: the sample rows and the lookups
 * they need are read through the same connectors the workers use, and the rows are transformed
 * by the same transformRecord, so what the editor shows is what a sync would write.
 */
export function previewRoutes(deps: ManagementDependencies & PreviewDependencies): ApiRoute[] {
  const schemas = deps.schemas ?? STANDARD_SCHEMAS;
  return [
    defineRoute({
      method: 'post',
      path: '/maps/:name/preview',
      operationId: 'previewMap',
      summary: 'Runs a draft definition on sample rows of both sides and answers the transformed rows and their errors',
      description: 'Nothing is written. An invalid draft answers valid: false with its errors (as POST /maps/validate) and no rows.',
      tag: 'maps',
      role: 'viewer',
      params: z.object({ name: z.string().regex(MAP_NAME_PATTERN, 'a kebab-case map name').max(200) }),
      body: PreviewBody,
      responses: {
        200: { description: 'The transformed samples, per source side', schema: z.object({ valid: z.boolean(), errors: z.array(MapErrorSchema), sides: z.array(PreviewSideSchema) }) },
        503: { description: 'No connectors configured and no samples posted (preview-not-configured)' },
      },
      handler: async (c, { params, body }) => {
        const view = await loadCatalogView(deps.maps, deps.store.maps);
        const { map, errors } = validateDefinition(body.definition, view);
        if (!map) return c.json({ valid: false, errors, sides: [] });
        if (map.name !== params.name) throw new ApiError(400, 'name-mismatch', `the draft is named '${map.name}' but the URL names '${params.name}'`);
        const catalog = [...[...view.values()].map((e) => e.map).filter((m) => m.name !== map.name), map];
        const resolver = deps.connectors ? new LookupResolver(deps.connectors.dataverse, schemas) : undefined;
        const dataverseSchema = schemas.find((s) => s.system === 'dataverse' && s.entitySet === map.dataverse.entitySet);

        const sides = [];
        for (const side of sourceSides(map)) {
          const entitySet = map[side].entitySet;
          const direction = DIRECTION_OF[side];
          let rows: Row[] = body.samples?.[side] ?? [];
          let readError: string | undefined;
          if (body.samples?.[side] === undefined) {
            const connector = deps.connectors?.[side];
            if (!connector) throw new ApiError(503, 'preview-not-configured', 'the API has no connectors to read sample rows: post them in "samples" or configure DUALWRITE_FINOPS_* / DUALWRITE_DATAVERSE_*');
            try {
              rows = (await connector.readPage({ entitySet, pageSize: body.limit ?? DEFAULT_SAMPLE_SIZE })).rows.slice(0, body.limit ?? DEFAULT_SAMPLE_SIZE);
            } catch (err) {
              readError = `could not read ${entitySet}: ${(err as Error).message}`;
            }
          }
          const requests = rows.flatMap((row) => lookupRequests(map, direction, row, catalog));
          let lookups = {};
          if (resolver && requests.length) {
            try {
              lookups = await resolver.resolve(requests);
            } catch (err) {
              readError = `could not resolve lookups: ${(err as Error).message}`;
            }
          }
          const previewed: PreviewRow[] = rows.map((row) => {
            const result = transformRecord(map, direction, row, { lookups, catalog, ...(dataverseSchema ? { dataverseSchema } : {}) });
            return { source: row, filtered: !matchesFilter(map, side, row), ...(result.key ? { key: result.key } : {}), values: result.values, errors: result.errors };
          });
          sides.push({ direction, source: side, entitySet, ...(readError ? { readError } : {}), rows: previewed });
        }
        return c.json({ valid: errors.length === 0, errors, sides });
      },
    }),
  ];
}
