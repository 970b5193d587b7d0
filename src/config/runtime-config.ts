import { z } from 'zod';
import { parseCodecKeys } from '../codec/keys';
import { parseDatabaseUrl } from '../store/database-url';
import { readConfigFile } from './config-file';
import { VARIABLE_DOCS, type VariableDoc } from './variables';

/**
 * Everything a dualwrite process reads from its environment (or from DUALWRITE_CONFIG_FILE),
 * validated once at start so that a typo fails with the variable's name and what was expected.
 * docs/configuration.md lists the same table; a test keeps the two in step.
 */

const companies = z
  .string()
  .transform((v) => v.split(',').map((s) => s.trim()).filter(Boolean))
  .pipe(z.array(z.string().regex(/^[A-Za-z0-9_-]{1,10}$/, 'a comma-separated list of company codes (dataAreaId) such as usmf,usrt')).min(1, 'at least one company code'));

const httpUrl = (example: string) => z.url({ protocol: /^https?$/, error: `an http(s) URL such as ${example}` });

const tcpPort = (fallback: number) =>
  z
    .string()
    .regex(/^\d{1,5}$/, 'a TCP port: a whole number from 1 to 65535')
    .transform(Number)
    .pipe(z.number().int().min(1, 'a TCP port from 1 to 65535').max(65535, 'a TCP port from 1 to 65535'))
    .default(fallback);

const positiveRate = z
  .string()
  .regex(/^\d+(\.\d+)?$/, 'a positive number of activities per second, such as 20 or 0.5')
  .transform(Number)
  .pipe(z.number().positive('a positive number of activities per second, such as 20 or 0.5'));

const wholeCount = (fallback: number) =>
  z
    .string()
    .regex(/^\d+$/, 'a whole number of at least 1')
    .transform(Number)
    .pipe(z.number().int().min(1, 'a whole number of at least 1'))
    .default(fallback);

const bool = z.enum(['true', 'false', '1', '0'], { error: 'true or false (or 1 or 0)' }).transform((v) => v === 'true' || v === '1');

const taskQueue = (fallback: string) => z.string().regex(/^[A-Za-z0-9._:-]{1,200}$/, 'a task queue name (letters, digits, . _ : -)').default(fallback);

const databaseUrl = z.string().superRefine((value, ctx) => {
  try {
    parseDatabaseUrl(value);
  } catch (err) {
    // parseDatabaseUrl says why and lists the accepted forms; the value is shown (masked) by the caller.
    const message = (err as Error).message;
    const parts = /is not usable: (.*?); expected (.*)$/s.exec(message);
    ctx.addIssue({ code: 'custom', message: parts ? `${parts[2]} (${parts[1]})` : message });
  }
});

// Security: payload codec keys; the message names entries by position and id, never by key text.
const codecKeys = z.string().superRefine((value, ctx) => {
  try {
    parseCodecKeys(value, 'DUALWRITE_CODEC_KEYS');
  } catch (err) {
    ctx.addIssue({ code: 'custom', message: (err as Error).message.replace(/^invalid DUALWRITE_CODEC_KEYS: expected /, '').replace(/\n\s*/g, '; ') });
  }
});

const origins = z
  .string()
  .transform((v) => v.split(',').map((s) => s.trim().replace(/\/+$/, '')).filter(Boolean))
  .pipe(z.array(z.url({ protocol: /^https?$/, error: 'a comma-separated list of origins such as http://localhost:8233,https://temporal.example.com' })).min(1, 'at least one origin'));

function systemVariables<P extends 'DUALWRITE_FINOPS' | 'DUALWRITE_DATAVERSE'>(prefix: P, example: string) {
  return {
    [`${prefix}_URL`]: httpUrl(example).optional(),
    [`${prefix}_TENANT_ID`]: z.string().min(1).default('sandbox'),
    [`${prefix}_CLIENT_ID`]: z.string().min(1).optional(),
    [`${prefix}_CLIENT_SECRET`]: z.string().min(1).optional(),
    [`${prefix}_TOKEN_URL`]: httpUrl('https://login.microsoftonline.com/<tenant>/oauth2/v2.0/token').optional(),
    [`${prefix}_SCOPE`]: z.string().min(1).optional(),
  } as {
    [K in `${P}_URL` | `${P}_TOKEN_URL` | `${P}_CLIENT_ID` | `${P}_CLIENT_SECRET` | `${P}_SCOPE`]: z.ZodOptional<z.ZodType<string, string>>;
  } & { [K in `${P}_TENANT_ID`]: z.ZodDefault<z.ZodString> };
}

const shape = {
  DUALWRITE_CONFIG_FILE: z.string().min(1).optional(),
  DUALWRITE_DATABASE_URL: databaseUrl.optional(),
  DUALWRITE_MAPS_DIR: z.string().min(1).default('maps'),
  DUALWRITE_COMPANIES: companies.default(['usmf', 'usrt', 'demf']),
  DUALWRITE_CACHE_DIR: z.string().min(1).optional(),
  DUALWRITE_LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error'], { error: 'one of debug, info, warn, error' }).default('info'),

  // Temporal: the names and meanings of @temporalio/envconfig (the Temporal CLI's too).
  TEMPORAL_ADDRESS: z.string().regex(/^[^\s:/]+:\d{1,5}$/, 'host:port such as temporal:7233 or my-ns.a1b2c.tmprl.cloud:7233').optional(),
  TEMPORAL_NAMESPACE: z.string().min(1).optional(),
  TEMPORAL_API_KEY: z.string().min(1).optional(),
  TEMPORAL_TLS: bool.optional(),
  TEMPORAL_TLS_CLIENT_CERT_PATH: z.string().min(1).optional(),
  TEMPORAL_TLS_CLIENT_KEY_PATH: z.string().min(1).optional(),
  TEMPORAL_TLS_CLIENT_CERT_DATA: z.string().min(1).optional(),
  TEMPORAL_TLS_CLIENT_KEY_DATA: z.string().min(1).optional(),
  TEMPORAL_TLS_SERVER_CA_CERT_PATH: z.string().min(1).optional(),
  TEMPORAL_TLS_SERVER_CA_CERT_DATA: z.string().min(1).optional(),
  TEMPORAL_TLS_SERVER_NAME: z.string().min(1).optional(),
  TEMPORAL_PROFILE: z.string().min(1).optional(),
  TEMPORAL_CONFIG_FILE: z.string().min(1).optional(),

  // Task queues: workflows on one queue, each system's activities on its own so that the server
  // can rate-limit them across all workers (maxTaskQueueActivitiesPerSecond).
  DUALWRITE_TASK_QUEUE: taskQueue('dualwrite'),
  DUALWRITE_FINOPS_TASK_QUEUE: taskQueue('dualwrite-finops'),
  DUALWRITE_DATAVERSE_TASK_QUEUE: taskQueue('dualwrite-dataverse'),
  DUALWRITE_FINOPS_MAX_ACTIVITIES_PER_SECOND: positiveRate.optional(),
  // Dataverse allows 6,000 requests per user per 5-minute window: 20 per second.
  DUALWRITE_DATAVERSE_MAX_ACTIVITIES_PER_SECOND: positiveRate.default(20),
  DUALWRITE_FINOPS_MAX_CONCURRENT_ACTIVITIES: wholeCount(16),
  DUALWRITE_DATAVERSE_MAX_CONCURRENT_ACTIVITIES: wholeCount(16),

  ...systemVariables('DUALWRITE_FINOPS', 'https://contoso.operations.dynamics.com/data/'),
  ...systemVariables('DUALWRITE_DATAVERSE', 'https://contoso.crm.dynamics.com/api/data/v9.2/'),
  DUALWRITE_WEBHOOK_SECRET: z.string().min(8, 'at least 8 characters').optional(),
  DUALWRITE_WEBHOOK_SIGNING_KEY: z.string().min(16, 'at least 16 characters; use a long random key, e.g. `openssl rand -hex 32`').optional(),

  DUALWRITE_CODEC_KEYS: codecKeys.optional(),
  DUALWRITE_CODEC_KEY_FILE: z.string().min(1).optional(),
  DUALWRITE_CODEC_ALLOWED_ORIGINS: origins.default(['http://localhost:8233', 'http://127.0.0.1:8233']),

  DUALWRITE_SMTP_URL: z.url({ protocol: /^smtps?$/, error: 'an smtp:// or smtps:// URL such as smtp://user:password@mail.example.com:587' }).optional(),
  DUALWRITE_ALERT_FROM: z.string().regex(/^[^\s@]+@[^\s@]+$|^.+<[^\s@]+@[^\s@]+>$/, 'an e-mail address such as dualwrite@example.com or "dualwrite <dualwrite@example.com>"').default('dualwrite@localhost'),

  DUALWRITE_LISTEN_HOST: z.string().regex(/^[A-Za-z0-9.:-]+$/, 'an interface address such as 127.0.0.1 or 0.0.0.0').default('127.0.0.1'),
  DUALWRITE_API_PORT: tcpPort(8080),
  DUALWRITE_API_TOKENS: z.string().min(1).optional(),
  DUALWRITE_API_TOKENS_FILE: z.string().min(1).optional(),
  DUALWRITE_TEMPORAL_PORT: tcpPort(7233),
  DUALWRITE_TEMPORAL_UI_PORT: tcpPort(8233),
  DUALWRITE_FINOPS_PORT: tcpPort(8081),
  DUALWRITE_DATAVERSE_PORT: tcpPort(8082),
};

export const VARIABLE_NAMES = Object.keys(shape) as (keyof typeof shape)[];
export type VariableName = keyof typeof shape;

export const runtimeConfigSchema = z.object(shape).superRefine((c, ctx) => {
  const pairs: [VariableName, VariableName][] = [
    ['TEMPORAL_TLS_CLIENT_CERT_PATH', 'TEMPORAL_TLS_CLIENT_KEY_PATH'],
    ['TEMPORAL_TLS_CLIENT_CERT_DATA', 'TEMPORAL_TLS_CLIENT_KEY_DATA'],
  ];
  for (const [cert, key] of pairs) {
    if ((c[cert] === undefined) !== (c[key] === undefined)) {
      const missing = c[cert] === undefined ? cert : key;
      ctx.addIssue({ code: 'custom', path: [missing], message: `required with ${missing === cert ? key : cert}: mTLS needs both the client certificate and its key` });
    }
  }
  for (const kind of ['CERT', 'KEY'] as const) {
    const path = `TEMPORAL_TLS_CLIENT_${kind}_PATH` as const;
    const data = `TEMPORAL_TLS_CLIENT_${kind}_DATA` as const;
    if (c[path] !== undefined && c[data] !== undefined) ctx.addIssue({ code: 'custom', path: [data], message: `set either ${path} or ${data}, not both` });
  }
  if (c.TEMPORAL_TLS_SERVER_CA_CERT_PATH !== undefined && c.TEMPORAL_TLS_SERVER_CA_CERT_DATA !== undefined) {
    ctx.addIssue({ code: 'custom', path: ['TEMPORAL_TLS_SERVER_CA_CERT_DATA'], message: 'set either TEMPORAL_TLS_SERVER_CA_CERT_PATH or TEMPORAL_TLS_SERVER_CA_CERT_DATA, not both' });
  }
  // A shared queue would put one system's rate limit on the other's calls (and on workflow tasks).
  const queues: VariableName[] = ['DUALWRITE_TASK_QUEUE', 'DUALWRITE_FINOPS_TASK_QUEUE', 'DUALWRITE_DATAVERSE_TASK_QUEUE'];
  queues.forEach((name, i) => {
    const clash = queues.slice(0, i).find((other) => c[other] === c[name]);
    if (clash) ctx.addIssue({ code: 'custom', path: [name], message: `must differ from ${clash} (both are "${String(c[name])}"): each system's rate limit applies to its whole task queue` });
  });
});

export type RuntimeConfig = z.output<typeof runtimeConfigSchema>;

export interface SystemEndpoint {
  url: string;
  tenantId: string;
  clientId: string;
  clientSecret: string;
  tokenUrl?: string;
  scope?: string;
}

export class ConfigError extends Error {}

/** Where each value came from, for error messages and describeConfig(). */
export type ValueSource = 'environment' | `file ${string}`;

export interface LoadedConfig {
  config: RuntimeConfig;
  sources: Partial<Record<VariableName, ValueSource>>;
}

const OURS = /^(DUALWRITE_|TEMPORAL_)/;
// Read by other tools from the same environment; not part of the runtime table.
const NOT_RUNTIME = [/^DUALWRITE_TEST_/, /^DUALWRITE_REFERENCE_FIXTURES$/, /^TEMPORAL_GRPC_META_/, /^TEMPORAL_CODEC_/, /^TEMPORAL_CLI_PATH$/, /^TEMPORAL_TLS_DISABLE_HOST_VERIFICATION$/];

/**
 * Loads and validates the configuration: defaults, then DUALWRITE_CONFIG_FILE (JSON or .env),
 * then the environment, which wins. Empty environment values count as unset. Throws ConfigError
 * listing every problem by variable name; values of secrets never appear in it.
 */
export function loadRuntimeConfig(env: NodeJS.ProcessEnv = process.env): RuntimeConfig {
  return loadRuntimeConfigWithSources(env).config;
}

export function loadRuntimeConfigWithSources(env: NodeJS.ProcessEnv = process.env): LoadedConfig {
  const fromEnv = Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => OURS.test(e[0]) && e[1] !== undefined && e[1] !== ''));
  const file = fromEnv.DUALWRITE_CONFIG_FILE;
  let fromFile: Record<string, string> = {};
  if (file !== undefined) {
    try {
      fromFile = readConfigFile(file);
    } catch (err) {
      throw new ConfigError((err as Error).message);
    }
    const unknown = Object.keys(fromFile).filter((k) => !(VARIABLE_NAMES as string[]).includes(k) && !NOT_RUNTIME.some((re) => re.test(k)));
    if (unknown.length > 0) {
      throw new ConfigError(`invalid configuration file ${file}:\n${unknown.map((k) => `  ${k}: not a dualwrite variable${suggestion(k)} (see docs/configuration.md)`).join('\n')}`);
    }
    if (fromFile.DUALWRITE_CONFIG_FILE !== undefined) throw new ConfigError(`invalid configuration file ${file}: DUALWRITE_CONFIG_FILE can only be set in the environment`);
  }
  const merged: Record<string, string> = {};
  const sources: Partial<Record<VariableName, ValueSource>> = {};
  for (const [k, v] of Object.entries(fromFile)) {
    if (v === '') continue;
    merged[k] = v;
    sources[k as VariableName] = `file ${file}`;
  }
  for (const [k, v] of Object.entries(fromEnv)) {
    merged[k] = v;
    sources[k as VariableName] = 'environment';
  }
  const parsed = runtimeConfigSchema.safeParse(merged);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => {
      const name = String(issue.path[0] ?? '');
      const doc = VARIABLE_DOCS[name as VariableName] as VariableDoc | undefined;
      const raw = merged[name];
      const shown = raw === undefined || doc === undefined ? '' : ` = ${displayValue(name as VariableName, raw)}`;
      const from = sources[name as VariableName] ? ` (${sources[name as VariableName]})` : '';
      return `  ${name || '(configuration)'}${from}${shown}: expected ${issue.message}`;
    });
    throw new ConfigError(`invalid configuration:\n${lines.join('\n')}\nSee docs/configuration.md for every variable, its default and meaning.`);
  }
  return { config: parsed.data, sources };
}

/** Names that look like ours but are not in the table, with a suggestion: typos are silent otherwise. */
export function unknownVariables(env: NodeJS.ProcessEnv = process.env): string[] {
  return Object.keys(env)
    .filter((k) => OURS.test(k) && !(VARIABLE_NAMES as string[]).includes(k) && !NOT_RUNTIME.some((re) => re.test(k)))
    .map((k) => `${k}${suggestion(k)}`);
}

function suggestion(name: string): string {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of VARIABLE_NAMES) {
    const d = editDistance(name, candidate);
    if (d < bestDistance) [best, bestDistance] = [candidate, d];
  }
  return best !== undefined && bestDistance <= 3 ? ` (did you mean ${best}?)` : '';
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) row[j] = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = row;
  }
  return prev[b.length]!;
}

/** A value as it may appear in logs and messages: secrets hidden, passwords in URLs masked. */
export function displayValue(name: VariableName, value: unknown): string {
  if (value === undefined) return '(not set)';
  const doc: VariableDoc = VARIABLE_DOCS[name];
  if (doc.secret) return '****** (set)';
  if (doc.display === 'pem') return `(PEM data, ${String(value).length} characters)`;
  const text = Array.isArray(value) ? value.join(',') : String(value);
  if (doc.display === 'url') return JSON.stringify(text.replace(/^([a-zA-Z][a-zA-Z0-9+.-]*:\/\/[^:/@?#]*:)[^@/?#]*@/, '$1***@'));
  return JSON.stringify(text.length > 200 ? `${text.slice(0, 200)}...` : text);
}

/**
 * The effective configuration, one `NAME=value  (source)` line per variable, safe to print at
 * start or in a support ticket: secrets are masked and passwords removed from URLs.
 */
export function describeConfig(config: RuntimeConfig, sources: LoadedConfig['sources'] = {}): string {
  return VARIABLE_NAMES.map((name) => {
    const value = (config as Record<string, unknown>)[name];
    const source = sources[name] ?? (value === undefined ? '' : 'default');
    return `${name}=${displayValue(name, value)}${source ? `  (${source})` : ''}`;
  }).join('\n');
}

/** The endpoint of one system, or a clear error naming the variables that are missing. */
export function endpointOf(config: RuntimeConfig, which: 'finops' | 'dataverse'): SystemEndpoint {
  const p = which === 'finops' ? 'DUALWRITE_FINOPS' : 'DUALWRITE_DATAVERSE';
  const c = config as unknown as Record<string, string | undefined>;
  const missing = ['URL', 'CLIENT_ID', 'CLIENT_SECRET'].map((s) => `${p}_${s}`).filter((k) => !c[k]);
  if (missing.length > 0) throw new ConfigError(`${which} is not configured: set ${missing.join(', ')} (see docs/configuration.md)`);
  return {
    url: c[`${p}_URL`]!,
    tenantId: c[`${p}_TENANT_ID`]!,
    clientId: c[`${p}_CLIENT_ID`]!,
    clientSecret: c[`${p}_CLIENT_SECRET`]!,
    tokenUrl: c[`${p}_TOKEN_URL`],
    scope: c[`${p}_SCOPE`],
  };
}
