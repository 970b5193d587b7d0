import { readFileSync } from 'node:fs';
import { extname } from 'node:path';

/**
 * Reads the file named by DUALWRITE_CONFIG_FILE: the same variables as the environment, as a
 * JSON object or in .env form. Values come back as strings so that one schema validates the
 * environment and the file alike. Malformed content fails with the file and line, never with the
 * value (it may be a secret).
 */

export class ConfigFileError extends Error {}

export function readConfigFile(path: string): Record<string, string> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'the file does not exist' : code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'it is a directory' : String(code ?? err);
    throw new ConfigFileError(`DUALWRITE_CONFIG_FILE=${path}: cannot read it (${why}); expected a readable JSON or .env file`);
  }
  const isJson = extname(path).toLowerCase() === '.json' || text.trimStart().startsWith('{');
  return isJson ? parseJsonConfig(text, path) : parseDotenv(text, path);
}

export function parseJsonConfig(text: string, source: string): Record<string, string> {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new ConfigFileError(`${source}: not valid JSON (${(err as Error).message}); expected an object such as {"DUALWRITE_DATABASE_URL": "postgres://..."}`);
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new ConfigFileError(`${source}: expected a JSON object of variable names to values, got ${Array.isArray(data) ? 'an array' : typeof data}`);
  }
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(data)) {
    // Numbers and booleans are what people naturally write in JSON; nested values are a mistake.
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') out[key] = String(value);
    else if (Array.isArray(value) && value.every((v) => typeof v === 'string')) out[key] = value.join(',');
    else if (value !== null) throw new ConfigFileError(`${source}: "${key}" must be a string, number, boolean or list of strings, got ${Array.isArray(value) ? 'a mixed list' : typeof value}`);
  }
  return out;
}

const DOTENV_LINE = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/;

/**
 * The usual .env subset: KEY=VALUE, `export KEY=VALUE`, # comments, blank lines, values in single
 * quotes (literal) or double quotes (\n, \" and \\ escapes). Multi-line values are not accepted:
 * certificates belong in files named by the *_PATH variables.
 */
export function parseDotenv(text: string, source: string): Record<string, string> {
  const out: Record<string, string> = {};
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  lines.forEach((line, index) => {
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) return;
    const match = DOTENV_LINE.exec(trimmed);
    if (!match) throw new ConfigFileError(`${source}:${index + 1}: expected NAME=value (or a # comment)`);
    const [, key, rawValue] = match as unknown as [string, string, string];
    out[key] = dotenvValue(rawValue, `${source}:${index + 1}`, key);
  });
  return out;
}

function dotenvValue(raw: string, where: string, key: string): string {
  const quote = raw[0];
  if (quote === '"' || quote === "'") {
    const end = findClosingQuote(raw, quote);
    if (end < 0) throw new ConfigFileError(`${where}: the value of ${key} opens a ${quote === '"' ? 'double' : 'single'} quote that is not closed on the same line`);
    const rest = raw.slice(end + 1).trim();
    if (rest !== '' && !rest.startsWith('#')) throw new ConfigFileError(`${where}: unexpected text after the quoted value of ${key}`);
    const inner = raw.slice(1, end);
    return quote === "'" ? inner : inner.replace(/\\([n"\\])/g, (_m, c: string) => (c === 'n' ? '\n' : c));
  }
  // Unquoted: a # preceded by whitespace starts a comment, as in most .env readers.
  return raw.replace(/\s+#.*$/, '').trim();
}

function findClosingQuote(raw: string, quote: string): number {
  for (let i = 1; i < raw.length; i++) {
    if (quote === '"' && raw[i] === '\\') {
      i++;
      continue;
    }
    if (raw[i] === quote) return i;
  }
  return -1;
}
