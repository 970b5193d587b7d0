import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { checkMap, checkSyntax } from './check-map';
import type { MapError } from './errors';
import { jsonLocations } from './json-locations';
import { TableMapSchema, type TableMap } from './schema';
import { zodIssuesToMapErrors } from './zod-errors';

export interface LoadedMap {
  map?: TableMap;
  errors: MapError[];
}

export interface LoadedCatalog {
  maps: TableMap[];
  errors: MapError[];
  /** File each map came from, by map name. */
  files: Map<string, string>;
}

/** 1-based line and column of a character offset. */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, Math.max(0, offset));
  const lines = before.split('\n');
  return { line: lines.length, column: (lines[lines.length - 1]?.length ?? 0) + 1 };
}

/** Parses and validates map JSON text. Pure; `file` only labels the errors. */
export function parseMapText(text: string, file?: string): LoadedMap {
  let data: unknown;
  try {
    data = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    const position = /position (\d+)/.exec(message);
    const where = position ? lineColumn(text, Number(position[1])) : text.trim() === '' ? { line: 1, column: 1 } : undefined;
    return {
      errors: [
        {
          file,
          path: '$',
          ...where,
          code: 'json-syntax',
          message: text.trim() === '' ? 'the file is empty' : `invalid JSON: ${message.replace(/ in JSON at position \d+.*$/, '')}`,
          expected: 'a JSON object describing one table map',
          hint: 'JSON has no comments and no trailing commas; property names and text need double quotes',
        },
      ],
    };
  }
  const name = typeof data === 'object' && data !== null && typeof (data as { name?: unknown }).name === 'string' ? (data as { name: string }).name : undefined;
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    return { errors: [{ file, path: '$', code: 'invalid-type', message: `found ${Array.isArray(data) ? 'a list' : JSON.stringify(data)}`, expected: 'a JSON object describing one table map', hint: 'one map per file' }] };
  }
  const parsed = TableMapSchema.safeParse(data, { reportInput: true });
  if (!parsed.success) return { errors: withLines(text, [...zodIssuesToMapErrors(parsed.error.issues, file, name), ...checkSyntax(data, file)]) };
  const errors = checkMap(parsed.data, file);
  return errors.length > 0 ? { errors: withLines(text, errors) } : { map: parsed.data, errors };
}

/**
 * Adds line/column to errors that name a file (e.g. from validateCatalog), reading each file
 * once. Errors of unreadable files stay as they are.
 */
export function addLineNumbers(errors: readonly MapError[]): MapError[] {
  const texts = new Map<string, string | undefined>();
  return errors.map((e) => {
    if (e.file === undefined || e.line !== undefined) return e;
    if (!texts.has(e.file)) {
      try {
        texts.set(e.file, readFileSync(e.file, 'utf8'));
      } catch {
        texts.set(e.file, undefined);
      }
    }
    const text = texts.get(e.file);
    if (text === undefined) return e;
    try {
      return withLines(text, [e])[0] ?? e;
    } catch {
      return e;
    }
  });
}

/** Adds line/column to errors whose JSON path (or its nearest parent) is in the text. */
function withLines(text: string, errors: MapError[]): MapError[] {
  const locations = jsonLocations(text);
  return errors.map((e) => {
    if (e.line !== undefined) return e;
    let path = e.path;
    let offset = e.code === 'unknown-property' ? locations.get(`${path}#name`) : locations.get(path);
    while (offset === undefined && path !== '$') {
      path = path.replace(/(\.[^.[]+|\[[^\]]*\])$/, '') || '$';
      offset = locations.get(path);
    }
    return offset === undefined ? e : { ...e, ...lineColumn(text, offset) };
  });
}

/** Reads and validates one map file. Never throws: an unreadable file is a MapError too. */
export function loadMapFile(path: string): LoadedMap {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return {
      errors: [{ file: path, path: '$', code: 'unreadable', message: code === 'ENOENT' ? 'file not found' : `cannot read the file (${code ?? String(e)})`, expected: 'a readable .json map file' }],
    };
  }
  return parseMapText(text, path);
}

/** Map files of a folder: every *.json except schema.json, in name order. */
export function mapFilesIn(dir: string): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json') && f !== 'schema.json')
    .sort()
    .map((f) => join(dir, f));
}

/** Loads files and folders (each folder: its map files). Duplicate names are errors. */
export function loadMapPaths(paths: readonly string[]): LoadedCatalog {
  const maps: TableMap[] = [];
  const errors: MapError[] = [];
  const files = new Map<string, string>();
  for (const p of paths) {
    let targets: string[];
    try {
      targets = statSync(p).isDirectory() ? mapFilesIn(p) : [p];
    } catch {
      errors.push({ file: p, path: '$', code: 'unreadable', message: 'no such file or folder', expected: 'a map file or a folder of map files' });
      continue;
    }
    for (const file of targets) {
      const loaded = loadMapFile(file);
      errors.push(...loaded.errors);
      if (!loaded.map) continue;
      const previous = files.get(loaded.map.name);
      if (previous !== undefined) {
        errors.push({ file, map: loaded.map.name, path: '$.name', code: 'duplicate-map', message: `map name '${loaded.map.name}' is also used by ${previous}`, expected: 'a name unique in the catalog', hint: 'rename one of the maps' });
        continue;
      }
      files.set(loaded.map.name, file);
      maps.push(loaded.map);
    }
  }
  return { maps, errors, files };
}

/** Loads every map file of a folder. */
export function loadCatalog(dir: string): LoadedCatalog {
  return loadMapPaths([dir]);
}
