import { z } from 'zod';

/**
 * Connector configuration, validated before any request is made so that a typo in a URL or a
 * missing secret fails at start-up with a message naming the field, not later as a 401 storm.
 * The client secret never leaves this module in readable form: `redactConfig` and
 * `describeConfig` are what logs and errors may print.
 */

const SECRET_MASK = '***';

const httpUrl = z
  .string()
  .trim()
  .refine((v) => {
    try {
      const u = new URL(v);
      return u.protocol === 'https:' || u.protocol === 'http:';
    } catch {
      return false;
    }
  }, 'expected an absolute http(s) URL such as https://contoso.crm.dynamics.com');

const companyCode = z
  .string()
  .trim()
  .min(1)
  .max(10)
  .regex(/^[A-Za-z0-9_-]+$/, 'expected a company (dataAreaId) such as "usmf": letters, digits, "_" or "-"');

/** Per-entity-set facts a connector cannot guess from names alone; all optional. */
export const entitySetOptionsSchema = z.object({
  /** Dataverse: the GUID primary key column (e.g. accountid); F&O: unused. */
  idColumn: z.string().min(1).optional(),
  /** Dataverse: logical (entity) name, used to map webhook bodies to the entity set. F&O: data entity name of data events. */
  logicalName: z.string().min(1).optional(),
  /** Integration key columns: the Dataverse alternate key (lookup parts as _x_value) or the F&O entity key incl. dataAreaId. */
  key: z.array(z.string().min(1)).min(1).optional(),
  /** Column holding the company: F&O dataAreaId; Dataverse a company lookup in `_x_value` form. */
  companyColumn: z.string().min(1).optional(),
});
export type EntitySetOptions = z.infer<typeof entitySetOptionsSchema>;

const commonShape = {
  /** Environment root, e.g. https://contoso.crm.dynamics.com or https://contoso.operations.dynamics.com. */
  url: httpUrl,
  /** Entra tenant id or domain; used to build the default token URL. */
  tenantId: z.string().trim().min(1, 'tenantId is required (Entra tenant id or domain)'),
  clientId: z.string().trim().min(1, 'clientId is required (the app registration\'s application id)'),
  clientSecret: z.string().min(1, 'clientSecret is required'),
  /** Defaults to https://login.microsoftonline.com/<tenantId>/oauth2/v2.0/token. */
  tokenUrl: httpUrl.optional(),
  /** Defaults to <url origin>/.default (client credentials need the .default scope). */
  scope: z.string().trim().min(1).optional(),
  /** Companies (dataAreaId) that take part; reads without a company cover only these. */
  companies: z.array(companyCode).min(1, 'at least one company (dataAreaId) is required'),
  pageSize: z.number().int().min(1).max(5000).default(1000),
  batchSize: z.number().int().min(1).max(1000).default(200),
  concurrency: z.number().int().min(1).max(64).default(4),
  /** Per request, including the token request. */
  timeoutMs: z.number().int().min(100).max(600_000).default(60_000),
  /** Retries of retryable failures inside one call, before the error is handed to Temporal. */
  maxRetries: z.number().int().min(0).max(20).default(4),
  retryBaseDelayMs: z.number().int().min(1).max(60_000).default(500),
  retryMaxDelayMs: z.number().int().min(1).max(600_000).default(30_000),
  /** A Retry-After longer than this is not slept through: the error goes to Temporal to schedule. */
  maxRetryAfterMs: z.number().int().min(0).max(3_600_000).default(120_000),
  /** Refresh the token this long before it expires. */
  tokenRefreshSkewMs: z.number().int().min(0).max(3_600_000).default(300_000),
  entitySets: z.record(z.string(), entitySetOptionsSchema).default({}),
};

export const dataverseConfigSchema = z
  .object({
    system: z.literal('dataverse'),
    ...commonShape,
    /** Web API root below url. */
    apiPath: z.string().default('/api/data/v9.2/'),
    /** How company codes are found and referenced (dual-write's cdm_company table by default). */
    company: z
      .object({
        entitySet: z.string().min(1).default('cdm_companies'),
        idColumn: z.string().min(1).default('cdm_companyid'),
        codeColumn: z.string().min(1).default('cdm_companycode'),
        /** The company lookup on company-specific tables, as read: _<name>_value. */
        lookupColumn: z.string().min(1).default('_msdyn_company_value'),
      })
      .prefault({}),
    /** Pages read per pollChanges call before handing back a mid-stream token (bounds memory on first sync). */
    deltaPagesPerPoll: z.number().int().min(1).max(1000).default(10),
    /** Cache of alternate key -> id. */
    lookupCacheSize: z.number().int().min(0).max(1_000_000).default(10_000),
    lookupCacheTtlMs: z.number().int().min(0).default(600_000),
  })
  .strict();

export const finopsConfigSchema = z
  .object({
    system: z.literal('finops'),
    ...commonShape,
    /** OData service root below url. */
    servicePath: z.string().default('/data/'),
  })
  .strict();

export const connectorConfigSchema = z.discriminatedUnion('system', [dataverseConfigSchema, finopsConfigSchema]);

/** What a caller writes: `system` may be left out when the connector class already says it. */
export type DataverseConfigInput = Omit<z.input<typeof dataverseConfigSchema>, 'system'> & { system?: 'dataverse' };
export type FinopsConfigInput = Omit<z.input<typeof finopsConfigSchema>, 'system'> & { system?: 'finops' };
export type ConnectorConfigInput = z.input<typeof connectorConfigSchema>;
export type DataverseConfig = z.output<typeof dataverseConfigSchema>;
export type FinopsConfig = z.output<typeof finopsConfigSchema>;
export type ConnectorConfig = z.output<typeof connectorConfigSchema>;

/** Raised for invalid configuration; the message lists every problem with its path, never a value. */
export class ConnectorConfigError extends Error {
  constructor(
    message: string,
    readonly issues: string[],
  ) {
    super(message);
    this.name = 'ConnectorConfigError';
  }
}

function issuesOf(error: z.ZodError): string[] {
  // Only paths and zod's own messages: zod 4 does not echo the input unless asked, so the secret
  // cannot leak through here.
  return error.issues.map((i) => `${i.path.length ? i.path.join('.') : '(root)'}: ${i.message}`);
}

export function parseConnectorConfig(input: unknown, where = 'connector config'): ConnectorConfig {
  const result = connectorConfigSchema.safeParse(input);
  if (!result.success) {
    const issues = issuesOf(result.error);
    throw new ConnectorConfigError(`invalid ${where}:\n  ${issues.join('\n  ')}`, issues);
  }
  const config = result.data;
  if (config.retryMaxDelayMs < config.retryBaseDelayMs) {
    const issue = 'retryMaxDelayMs: must be at least retryBaseDelayMs';
    throw new ConnectorConfigError(`invalid ${where}:\n  ${issue}`, [issue]);
  }
  return config;
}

export function parseDataverseConfig(input: unknown): DataverseConfig {
  const config = parseConnectorConfig({ system: 'dataverse', ...(input as object) }, 'Dataverse connector config');
  if (config.system !== 'dataverse') throw new Error('unreachable');
  return config;
}

export function parseFinopsConfig(input: unknown): FinopsConfig {
  const config = parseConnectorConfig({ system: 'finops', ...(input as object) }, 'F&O connector config');
  if (config.system !== 'finops') throw new Error('unreachable');
  return config;
}

/** A copy safe to log: the secret is masked. */
export function redactConfig<T extends { clientSecret?: string }>(config: T): T {
  return { ...config, ...(config.clientSecret === undefined ? {} : { clientSecret: SECRET_MASK }) };
}

/** Replaces every occurrence of the given secrets in a text (error messages, response bodies). */
export function redactSecrets(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of secrets) {
    if (s.length < 4) continue; // masking very short strings would shred ordinary text
    out = out.split(s).join(SECRET_MASK);
    // The secret also travels URL- and form-encoded (token request bodies).
    for (const encoded of new Set([encodeURIComponent(s), new URLSearchParams({ s }).toString().slice(2)])) {
      if (encoded !== s) out = out.split(encoded).join(SECRET_MASK);
    }
  }
  return out;
}

export function defaultTokenUrl(config: Pick<ConnectorConfig, 'tenantId' | 'tokenUrl'>): string {
  return config.tokenUrl ?? `https://login.microsoftonline.com/${encodeURIComponent(config.tenantId)}/oauth2/v2.0/token`;
}

/** Entra resource scope for client credentials: the environment URL without a trailing slash, plus /.default. */
export function defaultScope(config: Pick<ConnectorConfig, 'url' | 'scope'>): string {
  return config.scope ?? `${new URL(config.url).origin}/.default`;
}

/** The service root (always ending with /), e.g. https://org.crm.dynamics.com/api/data/v9.2/. */
export function serviceRoot(config: ConnectorConfig): string {
  const path = config.system === 'dataverse' ? config.apiPath : config.servicePath;
  const base = config.url.replace(/\/+$/, '');
  const p = `/${path.replace(/^\/+|\/+$/g, '')}/`;
  return `${base}${p === '//' ? '/' : p}`;
}
