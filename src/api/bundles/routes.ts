import { z } from 'zod';
import { exportBundle, parseBundle, planImport } from '../../maps/bundle';
import { recordAction } from '../actions';
import type { ManagementDependencies } from '../deps';
import { ApiError } from '../errors';
import { loadCatalogView } from '../maps/catalog';
import { definitionText } from '../maps/definitions';
import { defineRoute, listParam, type ApiRoute } from '../routing/route';

const TAG = 'bundles';
const booleanParam = z.enum(['true', 'false']).transform((v) => v === 'true');
const ChangeSchema = z.object({ name: z.string(), action: z.enum(['add', 'upgrade', 'unchanged', 'downgrade', 'changed-same-version']), from: z.string().optional(), to: z.string() });

export function bundleRoutes(deps: ManagementDependencies): ApiRoute[] {
  const { store } = deps;
  return [
    defineRoute({
      method: 'get',
      path: '/bundles/export',
      operationId: 'exportBundle',
      summary: 'A checksummed bundle of maps (all, or the named ones) for promotion to another environment',
      tag: TAG,
      role: 'viewer',
      query: z.object({ maps: listParam(z.string().min(1)).optional().describe('Map names, comma-separated; default every map.') }),
      responses: { 200: { description: 'The bundle (format dualwrite-map-bundle)', schema: z.record(z.string(), z.unknown()) }, 404: { description: 'A named map does not exist' } },
      handler: async (c, { query, caller }) => {
        const view = await loadCatalogView(deps.maps, store.maps);
        const names = query.maps ?? [...view.keys()];
        const missing = names.filter((n) => !view.has(n));
        if (missing.length) throw new ApiError(404, 'map-not-found', `no map named ${missing.map((n) => `'${n}'`).join(', ')}`);
        return c.json(exportBundle(names.map((n) => view.get(n)!.map), { publisher: caller.name, exportedAt: new Date().toISOString() }));
      },
    }),
    defineRoute({
      method: 'post',
      path: '/bundles/import',
      operationId: 'importBundle',
      summary: 'Publishes the maps of a bundle as new versions (refuses downgrades and same-version changes unless force)',
      tag: TAG,
      role: 'admin',
      query: z.object({
        force: booleanParam.optional().describe('Allow downgrades and changed content under the same version.'),
        dryRun: booleanParam.optional().describe('Only report what would change.'),
      }),
      body: z.unknown().describe('A bundle written by GET /api/v1/bundles/export or `dualwrite maps export`.'),
      responses: {
        200: { description: 'The plan and what was published', schema: z.object({ dryRun: z.boolean(), changes: z.array(ChangeSchema), published: z.array(z.string()) }) },
        409: { description: 'The import is refused (details.errors)' },
      },
      handler: async (c, { query, body, caller }) => {
        const parsed = parseBundle(body);
        if (!parsed.bundle) throw new ApiError(400, 'invalid-bundle', `the bundle has ${parsed.errors.length} error(s): ${parsed.errors.slice(0, 3).map((e) => `${e.path}: ${e.message}`).join('; ')}`, { errors: parsed.errors });
        const view = await loadCatalogView(deps.maps, store.maps);
        const plan = planImport(parsed.bundle, [...view.values()].map((e) => e.map), { force: query.force ?? false });
        if (plan.errors.length) {
          throw new ApiError(409, 'import-refused', `the import is refused: ${plan.errors.slice(0, 3).map((e) => e.message).join('; ')}`, { errors: plan.errors, changes: plan.changes });
        }
        const toPublish = plan.changes.filter((ch) => ch.action !== 'unchanged');
        if (query.dryRun) return c.json({ dryRun: true, changes: plan.changes, published: [] });
        const published: string[] = [];
        for (const change of toPublish) {
          const map = parsed.bundle.maps.find((m) => m.name === change.name)!.map;
          try {
            await store.maps.put(map.name, definitionText(map), { version: map.version, publisher: map.publisher, publishedBy: caller.name, comment: `import of a bundle by ${parsed.bundle.publisher}` });
          } catch (err) {
            throw new ApiError(409, 'version-immutable', `${map.name} ${map.version} was published before with other content and versions are immutable (${err instanceof Error ? err.message : String(err)}); published so far: ${published.join(', ') || 'none'}`, { published });
          }
          published.push(`${map.name}@${map.version}`);
        }
        await recordAction(store, caller, { type: 'config', message: `bundle imported by ${caller.name}: ${published.length} map version(s) published`, data: { changes: plan.changes } });
        return c.json({ dryRun: false, changes: plan.changes, published });
      },
    }),
  ];
}
