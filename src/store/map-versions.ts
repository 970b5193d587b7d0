import { createHash } from 'node:crypto';
import type { Selectable } from 'kysely';
import type { StoreContext } from './context';
import type { MapVersionTable } from './tables';
import { fromStoredTimestamp, requireText, toIsoTimestamp } from './values';

/** A published map definition. The text is kept byte for byte so exports and diffs are exact. */
export interface MapVersion {
  name: string;
  version: string;
  definition: string;
  /** sha256 of the definition text, hex. */
  checksum: string;
  publisher?: string;
  publishedBy?: string;
  publishedAt: string;
  comment?: string;
}

export interface MapVersionMeta {
  version: string;
  publisher?: string;
  /** Who published it (user or `import`). */
  publishedBy?: string;
  comment?: string;
  /** Defaults to now. */
  at?: string;
}

export interface MapVersions {
  /**
   * Publishes a version. Publishing the same name and version again with identical text is a
   * no-op (`created: false`); with different text it is refused: versions are immutable.
   */
  put(name: string, definitionJson: string, meta: MapVersionMeta): Promise<{ version: MapVersion; created: boolean }>;
  /** The given version, or the latest published one. */
  get(name: string, version?: string): Promise<MapVersion | undefined>;
  /** The latest version of every map, by name. */
  list(): Promise<MapVersion[]>;
  /** Every version of one map, newest first. */
  history(name: string): Promise<MapVersion[]>;
}

export function checksumOf(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

export function createMapVersions(ctx: StoreContext): MapVersions {
  const { db } = ctx;

  function toVersion(r: Selectable<MapVersionTable>): MapVersion {
    return {
      name: r.name,
      version: r.version,
      definition: r.definition,
      checksum: r.checksum,
      ...(r.publisher !== null ? { publisher: r.publisher } : {}),
      ...(r.published_by !== null ? { publishedBy: r.published_by } : {}),
      publishedAt: fromStoredTimestamp(r.published_at),
      ...(r.comment !== null ? { comment: r.comment } : {}),
    };
  }

  const findVersion = (name: string, version: string) => db.selectFrom('map_versions').selectAll().where('name', '=', name).where('version', '=', version).executeTakeFirst();

  return {
    async put(name, definitionJson, meta) {
      requireText(name, 'maps.put: name');
      const version = requireText(meta.version === undefined ? undefined : String(meta.version), `maps.put(${name}): meta.version`);
      if (typeof definitionJson !== 'string') throw new Error(`maps.put(${name}): the definition must be JSON text, got ${typeof definitionJson}`);
      try {
        JSON.parse(definitionJson);
      } catch (error) {
        throw new Error(`maps.put(${name}@${version}): the definition is not valid JSON: ${(error as Error).message}`);
      }
      const checksum = checksumOf(definitionJson);
      const inserted = await db
        .insertInto('map_versions')
        .values({
          name,
          version,
          definition: definitionJson,
          checksum,
          publisher: meta.publisher ?? null,
          published_by: meta.publishedBy ?? null,
          published_at: toIsoTimestamp(meta.at, `maps.put(${name}): meta.at`),
          comment: meta.comment ?? null,
        })
        .onConflict((oc) => oc.columns(['name', 'version']).doNothing())
        .returningAll()
        .executeTakeFirst();
      if (inserted !== undefined) return { version: toVersion(inserted), created: true };
      const existing = await findVersion(name, version);
      if (existing === undefined) throw new Error(`maps.put(${name}@${version}): the version vanished while publishing; try again`);
      if (existing.checksum !== checksum) {
        throw new Error(
          `map "${name}" version ${version} is already published with different content (checksum ${existing.checksum.slice(0, 12)}, yours ${checksum.slice(0, 12)}); published versions are immutable: give the changed definition a new version`,
        );
      }
      return { version: toVersion(existing), created: false };
    },

    async get(name, version) {
      const row =
        version !== undefined
          ? await findVersion(name, version)
          : await db.selectFrom('map_versions').selectAll().where('name', '=', name).orderBy('id', 'desc').limit(1).executeTakeFirst();
      return row === undefined ? undefined : toVersion(row);
    },

    async list() {
      const latestIds = db.selectFrom('map_versions').select((eb) => eb.fn.max('id').as('id')).groupBy('name');
      const rows = await db.selectFrom('map_versions').selectAll().where('id', 'in', latestIds).orderBy('name').execute();
      return rows.map(toVersion);
    },

    async history(name) {
      const rows = await db.selectFrom('map_versions').selectAll().where('name', '=', name).orderBy('id', 'desc').execute();
      return rows.map(toVersion);
    },
  };
}
