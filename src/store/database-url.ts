import { resolve } from 'node:path';

/** Where the control store lives, parsed from `DUALWRITE_DATABASE_URL`. */
export type StoreLocation =
  | { dialect: 'sqlite'; /** Absolute file path, or ':memory:'. */ path: string }
  | {
      dialect: 'postgres';
      /** Connection string without our own `schema` parameter. */
      connectionString: string;
      /** Schema to create (if missing) and use as search_path; undefined uses the server's default. */
      schema?: string;
    };

export const DEFAULT_SQLITE_PATH = '.data/dualwrite.db';

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;
const EXPECTED =
  'expected a SQLite file path, "sqlite:<path>", "file:<path>", ":memory:", or "postgres://user[:password]@host[:port]/database[?schema=name]"';

/**
 * Parses a store URL. Relative SQLite paths resolve against `cwd`. Throws an error naming the
 * variable, the (password-masked) value and the accepted forms when the URL is unusable.
 */
export function parseDatabaseUrl(url: string | undefined, cwd: string = process.cwd()): StoreLocation {
  const raw = url?.trim() ?? '';
  if (raw === '') return { dialect: 'sqlite', path: resolve(cwd, DEFAULT_SQLITE_PATH) };
  if (raw === ':memory:' || raw === 'sqlite::memory:') return { dialect: 'sqlite', path: ':memory:' };

  const scheme = /^([a-zA-Z][a-zA-Z0-9+.-]*):/.exec(raw)?.[1]?.toLowerCase();
  if (scheme === 'postgres' || scheme === 'postgresql') return parsePostgres(raw);
  if (scheme === 'sqlite' || scheme === 'file') {
    // sqlite:data.db, sqlite:/abs/data.db, sqlite:///abs/data.db and file://... are all accepted.
    let path = raw.slice(scheme.length + 1);
    if (path.startsWith('//')) path = path.slice(2);
    path = path.split('?')[0] ?? '';
    if (path === ':memory:') return { dialect: 'sqlite', path: ':memory:' };
    if (path === '') throw invalid(raw, 'the SQLite path is empty');
    return { dialect: 'sqlite', path: resolve(cwd, decodeURIComponent(path)) };
  }
  // A single letter before ':' is a Windows drive (C:\data\x.db), not a scheme.
  if (scheme !== undefined && scheme.length > 1) throw invalid(raw, `unsupported scheme "${scheme}:"`);
  return { dialect: 'sqlite', path: resolve(cwd, raw) };
}

function parsePostgres(raw: string): StoreLocation {
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    throw invalid(raw, 'it is not a valid URL');
  }
  if (parsed.hostname === '' && !parsed.searchParams.has('host')) throw invalid(raw, 'the host is missing');
  const schema = parsed.searchParams.get('schema') ?? undefined;
  if (schema !== undefined && !SCHEMA_NAME.test(schema)) {
    throw invalid(raw, `schema "${schema}" is not a plain lower-case identifier (a-z, 0-9, _; at most 63 characters)`);
  }
  parsed.searchParams.delete('schema');
  return { dialect: 'postgres', connectionString: parsed.toString(), ...(schema !== undefined ? { schema } : {}) };
}

function invalid(raw: string, why: string): Error {
  return new Error(`DUALWRITE_DATABASE_URL "${maskPassword(raw)}" is not usable: ${why}; ${EXPECTED}`);
}

/** The URL with any password replaced by ***, for messages and logs. */
export function maskPassword(url: string): string {
  return url.replace(/^([a-zA-Z][a-zA-Z0-9+.-]*:\/\/[^:/@?#]*:)[^@/?#]*@/, '$1***@');
}

/** A human-readable description of a location, safe to log. */
export function describeLocation(location: StoreLocation): string {
  if (location.dialect === 'sqlite') return `SQLite ${location.path}`;
  const schema = location.schema !== undefined ? ` (schema ${location.schema})` : '';
  return `PostgreSQL ${maskPassword(location.connectionString)}${schema}`;
}
