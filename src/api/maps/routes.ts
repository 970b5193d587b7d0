import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError } from '@temporalio/client';
import { z } from 'zod';
import type { enableMapsWorkflow } from '../../../workflows/enable-maps/workflow';
import { initialSyncProgressQuery, pauseSignal, resumeSignal, stopSignal, statusQuery } from '../../contracts/map-messages';
import { enableWorkflowId, initialSyncWorkflowId, mapWorkflowId, MAP_STATES, RESUME_MODES, TASK_QUEUE } from '../../contracts/names';
import { MAP_NAME_PATTERN, TableMapSchema, type TableMap } from '../../maps/schema';
import { compareVersions } from '../../maps/semver';
import { recordAction } from '../actions';
import type { ManagementDependencies } from '../deps';
import { ApiError } from '../errors';
import { defineRoute, type ApiRoute } from '../routing/route';
import { bumpVersion, loadCatalogView, type CatalogEntry } from './catalog';
import { definitionText, MapErrorSchema, requireValidDefinition, sameContent, validateDefinition } from './definitions';
import { liveStatus, liveStatuses } from './live-status';

const TAG = 'maps';
const mapName = z.string().regex(MAP_NAME_PATTERN, 'a kebab-case map name such as customers-v3-accounts').max(200);
const NameParams = z.object({ name: mapName.describe('Map name') });

const LiveStatusSchema = z.object({
  map: z.string(),
  state: z.enum([...MAP_STATES, 'Unknown']),
  workflowId: z.string(),
  workflowStatus: z.string().optional(),
  status: z.record(z.string(), z.unknown()).optional().describe('The workflow\'s answer to the `status` query (MapStatus).'),
  statusError: z.string().optional(),
});
const MapSummarySchema = z.object({
  name: z.string(),
  version: z.string(),
  publisher: z.string(),
  description: z.string().optional(),
  scope: z.enum(['company', 'global']),
  source: z.enum(['files', 'store']),
  publishedBy: z.string().optional(),
  publishedAt: z.string().optional(),
  live: LiveStatusSchema,
});
const PublishedSchema = z.object({ name: z.string(), version: z.string(), checksum: z.string(), publishedBy: z.string().optional(), publishedAt: z.string() });
const InitialSyncBody = z
  .strictObject({ master: z.enum(['finops', 'dataverse']).describe('The side whose records are copied to the other first.'), pageSize: z.number().int().min(1).max(5000).optional() })
  .optional()
  .describe('Copy existing records before live sync (only for a map that never ran).');
const EnableStartedSchema = z.object({ workflowId: z.string(), runId: z.string(), maps: z.array(z.string()), by: z.string() });
const SignalSentSchema = z.object({ map: z.string(), workflowId: z.string(), signal: z.string(), by: z.string() });

const summaryOf = (e: CatalogEntry) => ({
  name: e.map.name,
  version: e.map.version,
  publisher: e.map.publisher,
  ...(e.map.description !== undefined ? { description: e.map.description } : {}),
  scope: e.map.scope,
  source: e.source,
  ...(e.publishedBy !== undefined ? { publishedBy: e.publishedBy } : {}),
  ...(e.publishedAt !== undefined ? { publishedAt: e.publishedAt } : {}),
});

export function mapRoutes(deps: ManagementDependencies): ApiRoute[] {
  const { store, client } = deps;
  const catalog = () => loadCatalogView(deps.maps, store.maps);
  const requireMap = async (name: string): Promise<CatalogEntry> => {
    const entry = (await catalog()).get(name);
    if (!entry) throw new ApiError(404, 'map-not-found', `no map named '${name}' in the catalog or the published versions`);
    return entry;
  };
  const status = (name: string) => liveStatus(client, name, deps.statusTimeoutMs);
  /** Versions are immutable: a concurrent publish of the same version with other content loses with 409. */
  const publish = async (map: TableMap, by: string) => {
    try {
      return (await store.maps.put(map.name, definitionText(map), { version: map.version, publisher: map.publisher, publishedBy: by })).version;
    } catch (err) {
      const published = await store.maps.get(map.name, map.version);
      if (published && published.definition !== definitionText(map)) {
        throw new ApiError(409, 'version-conflict', `${map.name} ${map.version} was just published by ${published.publishedBy ?? 'someone else'} with other content: reload the map and edit again`);
      }
      throw err;
    }
  };

  /** Sends a signal to the map's workflow; a map that does not run cannot take one. */
  const signalMap = async (name: string, send: () => Promise<void>, signal: string, by: string) => {
    await requireMap(name);
    try {
      await send();
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) throw new ApiError(409, 'map-not-running', `map '${name}' has no running workflow ${mapWorkflowId(name)}: enable it first`);
      throw err;
    }
    return { map: name, workflowId: mapWorkflowId(name), signal, by };
  };

  const startEnable = async (id: string, maps: string[], initialSync: z.output<typeof InitialSyncBody>, by: string) => {
    const workflowId = enableWorkflowId(id);
    try {
      const handle = await client.workflow.start<typeof enableMapsWorkflow>('enableMapsWorkflow', {
        taskQueue: deps.taskQueue ?? TASK_QUEUE,
        workflowId,
        args: [{ maps, ...(initialSync ? { initialSync } : {}) }],
        staticSummary: `enable ${maps.join(', ')} (by ${by})`,
      });
      await store.log.append(maps.map((map) => ({ map, type: 'command', message: `enable requested by ${by}`, data: { workflowId, initialSync: initialSync ?? null }, actor: by })));
      return { workflowId, runId: handle.firstExecutionRunId, maps, by };
    } catch (err) {
      if (err instanceof WorkflowExecutionAlreadyStartedError) throw new ApiError(409, 'enable-running', `${workflowId} is already running; wait for it or look at it in the Temporal UI`);
      throw err;
    }
  };

  // Pause and stop take the same input (an optional reason), send their signal with the caller
  // as `by`, and log the request the same way.
  const reasonedSignalRoute = (verb: 'pause' | 'stop', operationId: string, summary: string, signal: typeof pauseSignal | typeof stopSignal) =>
    defineRoute({
      method: 'post',
      path: `/maps/:name/${verb}`,
      operationId,
      summary,
      tag: TAG,
      role: 'operator',
      params: NameParams,
      body: z.strictObject({ reason: z.string().max(500).optional() }).optional(),
      responses: { 202: { description: 'Signal sent', schema: SignalSentSchema }, 404: { description: 'No such map' }, 409: { description: 'The map is not running' } },
      handler: async (c, { params, body, caller }) => {
        const sent = await signalMap(params.name, () => client.workflow.getHandle(mapWorkflowId(params.name)).signal(signal, { ...(body?.reason ? { reason: body.reason } : {}), by: caller.name }), verb, caller.name);
        await recordAction(store, caller, { map: params.name, message: `${verb} requested by ${caller.name}${body?.reason ? `: ${body.reason}` : ''}` });
        return c.json(sent, 202);
      },
    });

  return [
    defineRoute({
      method: 'get',
      path: '/maps',
      operationId: 'listMaps',
      summary: 'Every map with the live state of its workflow (NotRunning when it has none)',
      tag: TAG,
      role: 'viewer',
      responses: { 200: { description: 'The maps, by name', schema: z.object({ items: z.array(MapSummarySchema) }) } },
      handler: async (c) => {
        const entries = [...(await catalog()).values()];
        const live = await liveStatuses(client, entries.map((e) => e.map.name), deps.statusTimeoutMs);
        return c.json({ items: entries.map((e, i) => ({ ...summaryOf(e), live: live[i] })) });
      },
    }),
    defineRoute({
      method: 'post',
      path: '/maps/validate',
      operationId: 'validateMap',
      summary: 'Checks a map definition without storing it; answers every error found',
      tag: TAG,
      role: 'viewer',
      body: z.unknown().describe('A map definition (maps/schema.json).'),
      responses: { 200: { description: 'valid is false when errors is not empty', schema: z.object({ valid: z.boolean(), errors: z.array(MapErrorSchema) }) } },
      handler: async (c, { body }) => {
        const { errors } = validateDefinition(body, await catalog());
        return c.json({ valid: errors.length === 0, errors });
      },
    }),
    defineRoute({
      method: 'post',
      path: '/maps',
      operationId: 'createMap',
      summary: 'Publishes a new map (its first version)',
      tag: TAG,
      role: 'admin',
      body: TableMapSchema,
      responses: { 201: { description: 'Published', schema: PublishedSchema }, 409: { description: 'A map of that name exists: update it instead' } },
      handler: async (c, { body, caller }) => {
        const view = await catalog();
        if (view.has(body.name)) throw new ApiError(409, 'map-exists', `map '${body.name}' exists (version ${view.get(body.name)!.map.version}): update it with PUT /api/v1/maps/${body.name}`);
        const map = requireValidDefinition(body, view);
        const version = await publish(map, caller.name);
        await recordAction(store, caller, { map: map.name, type: 'config', message: `map ${map.name} ${map.version} created by ${caller.name}`, data: { version: map.version } });
        return c.json({ name: version.name, version: version.version, checksum: version.checksum, publishedBy: version.publishedBy, publishedAt: version.publishedAt }, 201);
      },
    }),
    defineRoute({
      method: 'put',
      path: '/maps/:name',
      operationId: 'updateMap',
      summary: 'Publishes a new version of a map',
      description:
        'Without `bump` the posted version must be higher than the current one. With `bump` the posted version must equal the current one (it is the version the edit started from: a stale edit is refused) and the new version is computed. An unchanged definition is refused.',
      tag: TAG,
      role: 'admin',
      params: NameParams,
      query: z.object({ bump: z.enum(['major', 'minor', 'patch']).optional().describe('Compute the next version instead of taking the posted one.') }),
      body: TableMapSchema,
      responses: { 200: { description: 'Published', schema: PublishedSchema }, 409: { description: 'Unchanged, not a higher version, or edited from a stale version' } },
      handler: async (c, { params, query, body, caller }) => {
        if (body.name !== params.name) throw new ApiError(400, 'name-mismatch', `the definition is named '${body.name}' but the URL names '${params.name}'; a map cannot be renamed`);
        const view = await catalog();
        const current = view.get(params.name);
        if (!current) throw new ApiError(404, 'map-not-found', `no map named '${params.name}': create it with POST /api/v1/maps`);
        let next = body;
        if (query.bump) {
          if (body.version !== current.map.version) {
            throw new ApiError(409, 'stale-version', `the edit starts from version ${body.version} but the current version is ${current.map.version}: reload the map and edit again`);
          }
          next = { ...body, version: bumpVersion(current.map.version, query.bump) };
        } else if (compareVersions(body.version, current.map.version) <= 0) {
          throw new ApiError(409, 'version-not-increased', `version ${body.version} is not higher than the current ${current.map.version}: raise "version" or pass ?bump=patch`);
        }
        if (sameContent(next, current.map)) throw new ApiError(409, 'unchanged', `the definition equals ${params.name} ${current.map.version}: nothing to publish`);
        const map = requireValidDefinition(next, view);
        const version = await publish(map, caller.name);
        await recordAction(store, caller, { map: map.name, type: 'config', message: `map ${map.name} updated from ${current.map.version} to ${map.version} by ${caller.name}`, data: { from: current.map.version, to: map.version } });
        return c.json({ name: version.name, version: version.version, checksum: version.checksum, publishedBy: version.publishedBy, publishedAt: version.publishedAt });
      },
    }),
    defineRoute({
      method: 'get',
      path: '/maps/:name',
      operationId: 'getMap',
      summary: 'A map\'s current definition and the live state of its workflow',
      tag: TAG,
      role: 'viewer',
      params: NameParams,
      responses: { 200: { description: 'The map', schema: MapSummarySchema.extend({ definition: TableMapSchema }) }, 404: { description: 'No such map' } },
      handler: async (c, { params }) => {
        const entry = await requireMap(params.name);
        return c.json({ ...summaryOf(entry), live: await status(params.name), definition: entry.map });
      },
    }),
    defineRoute({
      method: 'get',
      path: '/maps/:name/versions',
      operationId: 'listMapVersions',
      summary: 'Versions of a map published through the API or imports, newest first',
      tag: TAG,
      role: 'viewer',
      params: NameParams,
      responses: { 200: { description: 'Published versions', schema: z.object({ items: z.array(PublishedSchema) }) } },
      handler: async (c, { params }) => {
        const history = await store.maps.history(params.name);
        return c.json({ items: history.map((v) => ({ name: v.name, version: v.version, checksum: v.checksum, publishedBy: v.publishedBy, publishedAt: v.publishedAt })) });
      },
    }),
    defineRoute({
      method: 'get',
      path: '/maps/:name/status',
      operationId: 'getMapStatus',
      summary: 'The live state of the map\'s workflow dualwrite-map-<name>',
      tag: TAG,
      role: 'viewer',
      params: NameParams,
      responses: { 200: { description: 'Live state', schema: LiveStatusSchema } },
      handler: async (c, { params }) => {
        await requireMap(params.name);
        return c.json(await status(params.name));
      },
    }),
    defineRoute({
      method: 'post',
      path: '/maps/enable',
      operationId: 'enableMaps',
      summary: 'Starts several maps (and the maps they depend on) in dependency order through the workflow dualwrite-enable-<id>',
      tag: TAG,
      role: 'operator',
      body: z.strictObject({
        maps: z.array(mapName).min(1).max(500),
        id: mapName.optional().describe('Suffix of the workflow id; default api-<milliseconds since 1970>.'),
        initialSync: InitialSyncBody,
      }),
      responses: { 202: { description: 'The enable workflow started', schema: EnableStartedSchema }, 404: { description: 'A named map does not exist' }, 409: { description: 'An enable with that id is already running' } },
      handler: async (c, { body, caller }) => {
        const view = await catalog();
        const missing = body.maps.filter((m) => !view.has(m));
        if (missing.length) throw new ApiError(404, 'map-not-found', `no map named ${missing.map((m) => `'${m}'`).join(', ')}`);
        return c.json(await startEnable(body.id ?? `api-${Date.now()}`, [...new Set(body.maps)], body.initialSync, caller.name), 202);
      },
    }),
    defineRoute({
      method: 'post',
      path: '/maps/:name/enable',
      operationId: 'enableMap',
      summary: 'Starts the map (and the maps it depends on) through the workflow dualwrite-enable-<name>',
      tag: TAG,
      role: 'operator',
      params: NameParams,
      body: z.strictObject({ initialSync: InitialSyncBody }).optional(),
      responses: { 202: { description: 'The enable workflow started', schema: EnableStartedSchema }, 404: { description: 'No such map' }, 409: { description: 'An enable of this map is already running' } },
      handler: async (c, { params, body, caller }) => {
        await requireMap(params.name);
        return c.json(await startEnable(params.name, [params.name], body?.initialSync, caller.name), 202);
      },
    }),
    reasonedSignalRoute('pause', 'pauseMap', 'Pauses the map: changes keep being captured into the inbox but are not applied', pauseSignal),
    defineRoute({
      method: 'post',
      path: '/maps/:name/resume',
      operationId: 'resumeMap',
      summary: 'Resumes a paused map; mode says what happens to the backlog (drain, park in the error queue, discard)',
      tag: TAG,
      role: 'operator',
      params: NameParams,
      body: z.strictObject({ mode: z.enum(RESUME_MODES).optional().describe('Default drain.') }).optional(),
      responses: { 202: { description: 'Signal sent', schema: SignalSentSchema.extend({ mode: z.enum(RESUME_MODES) }) }, 404: { description: 'No such map' }, 409: { description: 'The map is not running' } },
      handler: async (c, { params, body, caller }) => {
        const mode = body?.mode ?? 'drain';
        const sent = await signalMap(params.name, () => client.workflow.getHandle(mapWorkflowId(params.name)).signal(resumeSignal, { mode, by: caller.name }), 'resume', caller.name);
        await recordAction(store, caller, { map: params.name, message: `resume (${mode}) requested by ${caller.name}`, data: { mode } });
        return c.json({ ...sent, mode }, 202);
      },
    }),
    reasonedSignalRoute('stop', 'stopMap', "Stops the map's workflow for good (enable starts it again)", stopSignal),
    defineRoute({
      method: 'get',
      path: '/maps/:name/initial-sync',
      operationId: 'getInitialSyncProgress',
      summary: 'Progress of an initial sync run dualwrite-initial-<name>-<run> (the latest run by default)',
      tag: TAG,
      role: 'viewer',
      params: NameParams,
      query: z.object({ run: z.coerce.number().int().min(1).optional().describe('Run number; default the latest run the map reports.') }),
      responses: { 200: { description: 'Counters of the run (InitialSyncProgress)', schema: z.record(z.string(), z.unknown()) }, 404: { description: 'No such map or run' } },
      handler: async (c, { params, query }) => {
        await requireMap(params.name);
        const timeout = deps.statusTimeoutMs ?? 5000;
        let run = query.run;
        if (run === undefined) {
          try {
            const s = await client.withDeadline(Date.now() + timeout, () => client.workflow.getHandle(mapWorkflowId(params.name)).query(statusQuery));
            run = s.initialSync.runs;
          } catch (err) {
            if (err instanceof WorkflowNotFoundError) throw new ApiError(404, 'map-not-running', `map '${params.name}' has no workflow: pass ?run=<n> to ask for a past initial sync`);
            throw err;
          }
          if (run < 1) throw new ApiError(404, 'no-initial-sync', `map '${params.name}' has not run an initial sync`);
        }
        const workflowId = initialSyncWorkflowId(params.name, run);
        try {
          const progress = await client.withDeadline(Date.now() + timeout, () => client.workflow.getHandle(workflowId).query(initialSyncProgressQuery));
          return c.json({ workflowId, run, ...progress });
        } catch (err) {
          if (err instanceof WorkflowNotFoundError) throw new ApiError(404, 'no-initial-sync', `no initial sync workflow ${workflowId}`);
          throw err;
        }
      },
    }),
  ];
}
