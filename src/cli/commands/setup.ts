import type { Command } from 'commander';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { loadRuntimeConfig, type RuntimeConfig, type SystemEndpoint } from '../../config/runtime-config';
import type { HealthCheck } from '../../connectors/types';
import { loadCatalog } from '../../maps/loader';
import type { TableMap } from '../../maps/schema';
import { topologicalOrder } from '../../maps/graph';
import { connectTemporalClient, environmentRoot } from '../../runtime/worker-process';
import { createConnectors } from '../../runtime/sync-dependencies';
import type { SystemName } from '../../schema/entity-schema';
import { CliFailure, runOperatorCommand } from '../output/failure';
import { renderTable } from '../output/table';
import { actor, parseMaster, requireMaps, startEnable, waitForEnable, type OperatorContext } from './maps-lifecycle';

/**
 * `dualwrite setup`: links two environments. Asks (or takes as flags) the endpoints,
 * credentials and companies; checks both sides (token, $metadata, entity sets, keys, change
 * tracking, companies) and that the API answers where webhooks will be sent; writes the
 * configuration to an env file (the only place secrets go, mode 0600); then enables the maps in
 * dependency order with an initial sync. Every failure says how to fix it.
 */

export interface SetupAnswers {
  finops: SystemEndpoint;
  dataverse: SystemEndpoint;
  companies: string[];
  mapsDir: string;
  /** Map names to enable; all maps of mapsDir by default. */
  maps: string[];
  initialSync: 'finops' | 'dataverse' | undefined;
  apiUrl: string;
  envFile: string;
}

interface SetupFlags {
  finopsUrl?: string;
  finopsClientId?: string;
  finopsClientSecret?: string;
  finopsTenantId?: string;
  finopsTokenUrl?: string;
  dataverseUrl?: string;
  dataverseClientId?: string;
  dataverseClientSecret?: string;
  dataverseTenantId?: string;
  dataverseTokenUrl?: string;
  companies?: string;
  maps?: string;
  mapsDir?: string;
  initialSync?: string;
  apiUrl?: string;
  envOut: string;
  yes?: boolean;
  enable: boolean;
  wait?: boolean;
  timeout?: string;
  by?: string;
}

// ------------------------------------------------------------------ answers

type Prompts = typeof import('@inquirer/prompts');

/** A value from its flag, else the existing configuration, else a prompt (interactive only), else an error naming the flag. */
async function answer(opts: { flag: string; given?: string; current?: string; message: string; secret?: boolean; validate?: (v: string) => true | string; prompts?: Prompts; missing: string[] }): Promise<string> {
  const value = opts.given ?? undefined;
  if (value !== undefined && value !== '') {
    const ok = opts.validate?.(value) ?? true;
    if (ok !== true) throw new CliFailure(`${opts.flag} ${opts.secret ? '(hidden)' : JSON.stringify(value)}: ${ok}`);
    return value;
  }
  if (!opts.prompts) {
    if (opts.current !== undefined && opts.current !== '') return opts.current;
    opts.missing.push(opts.flag);
    return '';
  }
  if (opts.secret) {
    return opts.prompts.password({ message: `${opts.message}${opts.current ? ' (Enter keeps the configured one)' : ''}`, mask: '*', validate: (v) => (v === '' && opts.current ? true : v === '' ? 'required' : true) }).then((v) => (v === '' ? (opts.current ?? '') : v));
  }
  return opts.prompts.input({ message: opts.message, default: opts.current, required: true, validate: opts.validate ?? (() => true) });
}

const validUrl = (v: string): true | string => {
  try {
    const u = new URL(v);
    return u.protocol === 'https:' || u.protocol === 'http:' ? true : 'expected an http(s) URL';
  } catch {
    return 'expected an absolute URL such as https://contoso.operations.dynamics.com';
  }
};

const validCompanies = (v: string): true | string =>
  v.split(',').map((s) => s.trim()).filter(Boolean).every((c) => /^[A-Za-z0-9_-]{1,10}$/.test(c)) && v.trim() !== '' ? true : 'expected company codes (dataAreaId) separated by commas, such as usmf,usrt';

async function gatherAnswers(flags: SetupFlags, config: RuntimeConfig, interactive: boolean): Promise<SetupAnswers> {
  const prompts: Prompts | undefined = interactive ? await import('@inquirer/prompts') : undefined;
  const missing: string[] = [];
  const system = async (name: SystemName, label: string, example: string): Promise<SystemEndpoint> => {
    const p = name === 'finops' ? 'finops' : 'dataverse';
    const P = name === 'finops' ? 'DUALWRITE_FINOPS' : 'DUALWRITE_DATAVERSE';
    const c = config as unknown as Record<string, string | undefined>;
    const f = flags as unknown as Record<string, string | undefined>;
    const url = await answer({ flag: `--${p}-url`, given: f[`${p}Url`], current: c[`${P}_URL`], message: `${label} URL (e.g. ${example})`, validate: validUrl, prompts, missing });
    const clientId = await answer({ flag: `--${p}-client-id`, given: f[`${p}ClientId`], current: c[`${P}_CLIENT_ID`], message: `${label} client (application) id`, prompts, missing });
    const clientSecret = await answer({ flag: `--${p}-client-secret`, given: f[`${p}ClientSecret`], current: c[`${P}_CLIENT_SECRET`], message: `${label} client secret`, secret: true, prompts, missing });
    const tenantId = f[`${p}TenantId`] ?? c[`${P}_TENANT_ID`] ?? 'sandbox';
    const tokenUrl = f[`${p}TokenUrl`] ?? c[`${P}_TOKEN_URL`];
    if (tokenUrl !== undefined && validUrl(tokenUrl) !== true) throw new CliFailure(`--${p}-token-url ${JSON.stringify(tokenUrl)}: ${String(validUrl(tokenUrl))}`);
    return { url, clientId, clientSecret, tenantId, ...(tokenUrl ? { tokenUrl } : {}) };
  };
  const finops = await system('finops', 'Finance & Operations', 'https://contoso.operations.dynamics.com');
  const dataverse = await system('dataverse', 'Dataverse', 'https://contoso.crm.dynamics.com');
  const companies = (await answer({ flag: '--companies', given: flags.companies, current: config.DUALWRITE_COMPANIES.join(','), message: 'Companies (F&O dataAreaId) that take part, comma-separated', validate: validCompanies, prompts, missing }))
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (missing.length > 0) throw new CliFailure(`missing ${missing.join(', ')}: pass them as flags, set them in the environment, or run \`dualwrite setup\` in a terminal to be asked`);

  const mapsDir = flags.mapsDir ?? config.DUALWRITE_MAPS_DIR;
  const catalog = loadSetupCatalog(mapsDir);
  let maps: string[];
  if (flags.maps !== undefined) {
    maps = flags.maps === 'all' ? catalog.map((m) => m.name) : requireMaps(catalog, flags.maps.split(',').map((s) => s.trim()).filter(Boolean)).map((m) => m.name);
  } else if (prompts) {
    maps = await prompts.checkbox({ message: 'Maps to enable', choices: catalog.map((m) => ({ value: m.name, name: `${m.name} (${m.finops.entitySet} <-> ${m.dataverse.entitySet})`, checked: true })), pageSize: 15 });
  } else maps = catalog.map((m) => m.name);

  let initialSync = flags.initialSync === 'none' ? undefined : parseMaster('--initial-sync', flags.initialSync);
  if (flags.initialSync === undefined) {
    initialSync = prompts
      ? await prompts.select<'finops' | 'dataverse' | 'none'>({ message: 'Initial sync of existing rows', choices: [{ value: 'finops', name: 'from F&O (F&O is the master)' }, { value: 'dataverse', name: 'from Dataverse' }, { value: 'none', name: 'none: live changes only' }] }).then((v) => (v === 'none' ? undefined : v))
      : 'finops';
  }
  const apiUrl = flags.apiUrl ?? `http://${config.DUALWRITE_LISTEN_HOST === '0.0.0.0' ? '127.0.0.1' : config.DUALWRITE_LISTEN_HOST}:${config.DUALWRITE_API_PORT}`;
  if (validUrl(apiUrl) !== true) throw new CliFailure(`--api-url ${JSON.stringify(apiUrl)}: ${String(validUrl(apiUrl))}`);
  return { finops, dataverse, companies, mapsDir, maps, initialSync, apiUrl, envFile: resolve(flags.envOut) };
}

function loadSetupCatalog(dir: string): TableMap[] {
  const loaded = loadCatalog(dir);
  if (loaded.errors.length > 0) throw new CliFailure(`the maps folder ${dir} has ${loaded.errors.length} problem(s), first: ${loaded.errors[0]!.file ?? ''} ${loaded.errors[0]!.message}; run \`dualwrite maps validate ${dir}\``);
  if (loaded.maps.length === 0) throw new CliFailure(`the maps folder ${dir} holds no map files; pass --maps-dir <folder>`);
  return loaded.maps;
}

// ------------------------------------------------------------------ checks

export interface SetupCheck extends HealthCheck {
  system: SystemName | 'api';
  /** A failed warning does not stop setup. */
  warning?: boolean;
  hint?: string;
}

/** What to do about a failed check, in the operator's terms. */
export function hintFor(system: SystemName | 'api', check: HealthCheck): string | undefined {
  const label = system === 'finops' ? 'F&O' : system === 'dataverse' ? 'Dataverse' : 'the API';
  const d = check.detail;
  if (check.name === 'authentication') {
    if (/\b(400|401|403)\b|invalid_client|unauthori[sz]ed|refused/i.test(d)) {
      return system === 'finops'
        ? 'check --finops-client-id/--finops-client-secret (and the tenant) and that the app is registered in F&O under System administration > Setup > Microsoft Entra applications'
        : 'check --dataverse-client-id/--dataverse-client-secret (and the tenant) and that an application user for the app exists in the environment (Power Platform admin center > Application users) with a security role';
    }
    return `check the ${label} URL and token URL: the token endpoint could not be reached`;
  }
  if (/\b401\b|\b403\b/.test(d)) return system === 'dataverse' ? 'give the application user a security role that can read this table' : 'give the Entra application a user with access to this entity in F&O';
  if (/\b404\b|not in \$metadata|not found/i.test(d)) return `the entity set is not published in ${label}: check the name in the map, or make the entity public`;
  if (check.name.startsWith('change tracking')) return 'enable "Track changes" on the table in Power Apps (Table properties > Advanced options)';
  if (check.name.startsWith('company')) return 'the company row does not exist yet in Dataverse: the legal-entities map creates it in its initial sync';
  return undefined;
}

export async function checkSystems(answers: SetupAnswers, catalog: readonly TableMap[]): Promise<SetupCheck[]> {
  const endpoints = {
    finops: { ...answers.finops, url: environmentRoot('finops', answers.finops.url) },
    dataverse: { ...answers.dataverse, url: environmentRoot('dataverse', answers.dataverse.url) },
  };
  const connectors = createConnectors(endpoints, answers.companies);
  const chosen = catalog.filter((m) => answers.maps.includes(m.name));
  const createsCompanies = chosen.some((m) => m.dataverse.entitySet === 'cdm_companies');
  const out: SetupCheck[] = [];
  try {
    for (const system of ['finops', 'dataverse'] as const) {
      const sets = [...new Set(chosen.map((m) => m[system].entitySet))].sort();
      // The F&O connector reads every entity set per company; a global entity has no dataAreaId, so those probes do not apply.
      const globalSets = new Set(chosen.filter((m) => m.scope === 'global').map((m) => m.finops.entitySet));
      const applies = (c: HealthCheck) => system !== 'finops' || ![...globalSets].some((set) => c.name.startsWith(`entity set ${set} in `));
      const checks = (await connectors[system].health(sets)).filter(applies);
      for (const c of checks) {
        const warning = system === 'dataverse' && c.name.startsWith('company ') && createsCompanies;
        out.push({ ...c, system, ...(warning ? { warning } : {}), ...(c.ok ? {} : { hint: hintFor(system, c) }) });
      }
    }
  } finally {
    await Promise.all([connectors.finops.close?.(), connectors.dataverse.close?.()]);
  }
  out.push(await checkApi(answers.apiUrl));
  return out;
}

/** Webhooks are posted to the API: it must answer from where it will run. Any HTTP answer counts. */
async function checkApi(apiUrl: string): Promise<SetupCheck> {
  const url = `${apiUrl.replace(/\/+$/, '')}/health`;
  try {
    const res = await fetch(url, { method: 'GET', signal: AbortSignal.timeout(5000) });
    return { system: 'api', name: 'webhook receiver', ok: true, detail: `${url} answered ${res.status}` };
  } catch (err) {
    const reason = (err as Error & { cause?: Error }).cause?.message ?? (err as Error).message;
    return { system: 'api', name: 'webhook receiver', ok: false, warning: true, detail: `${url} did not answer (${reason})`, hint: 'start the API (`dualwrite api`) where F&O and Dataverse can reach it, or pass --api-url; webhooks are registered against it' };
  }
}

export function renderChecks(checks: readonly SetupCheck[]): string {
  return renderTable(checks, [
    { header: 'system', value: (c) => c.system },
    { header: 'check', value: (c) => c.name },
    { header: 'result', value: (c) => (c.ok ? 'ok' : c.warning ? 'WARN' : 'FAIL') },
    { header: 'detail', value: (c) => (c.ok ? c.detail : `${c.detail}${c.hint ? ` -> ${c.hint}` : ''}`), maxWidth: 160 },
  ]);
}

// ------------------------------------------------------------------ env file

const quote = (v: string): string => (/^[A-Za-z0-9_./:@,+-]*$/.test(v) ? v : `'${v.replace(/'/g, `'\\''`)}'`);

/** The variables setup writes, as NAME -> value (secrets included: they go to the file only). */
export function setupVariables(a: SetupAnswers): Record<string, string> {
  const vars: Record<string, string> = {};
  for (const [system, P] of [['finops', 'DUALWRITE_FINOPS'], ['dataverse', 'DUALWRITE_DATAVERSE']] as const) {
    const e = a[system];
    vars[`${P}_URL`] = e.url;
    vars[`${P}_TENANT_ID`] = e.tenantId;
    vars[`${P}_CLIENT_ID`] = e.clientId;
    vars[`${P}_CLIENT_SECRET`] = e.clientSecret;
    if (e.tokenUrl) vars[`${P}_TOKEN_URL`] = e.tokenUrl;
  }
  vars.DUALWRITE_COMPANIES = a.companies.join(',');
  vars.DUALWRITE_MAPS_DIR = a.mapsDir;
  return vars;
}

/**
 * Writes the variables into an env file: lines for other variables and comments are kept,
 * ours are replaced in place or appended. The file is readable by its owner only (0600).
 */
export function writeEnvFile(path: string, vars: Record<string, string>): void {
  const lines = existsSync(path) ? readFileSync(path, 'utf8').split('\n') : ['# dualwrite configuration written by `dualwrite setup` (holds secrets: keep it private)'];
  const pending = new Map(Object.entries(vars));
  const out = lines.map((line) => {
    const m = /^\s*(?:export\s+)?([A-Z0-9_]+)\s*=/.exec(line);
    if (!m || !pending.has(m[1]!)) return line;
    const value = pending.get(m[1]!)!;
    pending.delete(m[1]!);
    return `${m[1]}=${quote(value)}`;
  });
  while (out.length > 0 && out[out.length - 1] === '') out.pop();
  for (const [k, v] of pending) out.push(`${k}=${quote(v)}`);
  writeFileSync(path, `${out.join('\n')}\n`, { mode: 0o600 });
  // writeFileSync's mode applies to new files only.
  chmodSync(path, 0o600);
}

// ------------------------------------------------------------------ command

export function register(program: Command): void {
  program
    .command('setup')
    .description('Link F&O and Dataverse: check both sides and the webhook receiver, write the configuration to an env file (0600), enable the maps in dependency order with an initial sync')
    .option('--finops-url <url>', 'F&O environment URL, e.g. https://contoso.operations.dynamics.com (…/data/ accepted)')
    .option('--finops-client-id <id>', 'F&O app registration client id')
    .option('--finops-client-secret <secret>', 'its client secret (prefer the prompt or DUALWRITE_FINOPS_CLIENT_SECRET: flags show in `ps`)')
    .option('--finops-tenant-id <tenant>', 'Entra tenant of the F&O app (default the configured one, else "sandbox")')
    .option('--finops-token-url <url>', 'token endpoint, if not the Entra default of the tenant')
    .option('--dataverse-url <url>', 'Dataverse environment URL, e.g. https://contoso.crm.dynamics.com (…/api/data/v9.2/ accepted)')
    .option('--dataverse-client-id <id>', 'Dataverse app registration client id')
    .option('--dataverse-client-secret <secret>', 'its client secret')
    .option('--dataverse-tenant-id <tenant>', 'Entra tenant of the Dataverse app')
    .option('--dataverse-token-url <url>', 'token endpoint, if not the Entra default of the tenant')
    .option('--companies <codes>', 'F&O companies (dataAreaId) that take part, comma-separated, e.g. usmf,usrt')
    .option('--maps <names>', 'maps to enable, comma-separated, or "all" (default all)')
    .option('--maps-dir <dir>', 'folder of map files (default DUALWRITE_MAPS_DIR, "maps")')
    .option('--initial-sync <master>', 'finops, dataverse or none (default finops)')
    .option('--api-url <url>', 'where the dualwrite API (webhook receiver) will answer; default http://127.0.0.1:DUALWRITE_API_PORT')
    // Not --env-file: Node 20 claims that flag anywhere on its command line and exits when the file does not exist yet.
    .option('--env-out <file>', 'env file to write the configuration to (created or updated, mode 0600)', '.env')
    .option('--yes', 'never ask: take flags, the environment and defaults (automation)')
    .option('--no-enable', 'only check and write the configuration; do not start maps')
    .option('--wait', 'after enabling, follow the maps until they run live')
    .option('--timeout <seconds>', 'with --wait: give up after this many seconds')
    .option('--by <name>', 'who runs setup (default $USER)')
    .action((flags: SetupFlags) => runOperatorCommand(() => runSetup(flags)));
}

async function runSetup(flags: SetupFlags): Promise<void> {
  const say = (line: string) => console.log(line);
  const config = loadRuntimeConfig();
  const interactive = !flags.yes && process.stdin.isTTY === true && process.stdout.isTTY === true;
  const answers = await gatherAnswers(flags, config, interactive).catch((err: unknown) => {
    // Ctrl-C at a prompt: @inquirer/prompts rejects with ExitPromptError.
    if (err instanceof Error && err.name === 'ExitPromptError') throw new CliFailure('setup cancelled; nothing was written', 130);
    throw err;
  });
  const catalog = loadSetupCatalog(answers.mapsDir);
  const order = topologicalOrder(catalog);
  if (order.cycle) throw new CliFailure(`the maps depend on each other in a cycle: ${order.cycle.join(' -> ')}`);

  say(`Checking F&O ${answers.finops.url}, Dataverse ${answers.dataverse.url}, companies ${answers.companies.join(',')}, ${answers.maps.length} map(s)...`);
  const checks = await checkSystems(answers, catalog);
  say(renderChecks(checks));
  const failed = checks.filter((c) => !c.ok && !c.warning);
  if (failed.length > 0) {
    throw new CliFailure(`${failed.length} check(s) failed; nothing was written. Fix them and run setup again:\n${failed.map((c) => `  ${c.system} ${c.name}: ${c.hint ?? c.detail}`).join('\n')}`);
  }

  writeEnvFile(answers.envFile, setupVariables(answers));
  say(`Configuration written to ${answers.envFile} (mode 0600; it holds the client secrets). Use it with DUALWRITE_CONFIG_FILE=${answers.envFile}.`);

  if (!flags.enable) {
    say('Maps not enabled (--no-enable). Start a worker and run `dualwrite maps enable <map...>` when ready.');
    return;
  }
  const timeoutMs = flags.timeout === undefined ? undefined : Number(flags.timeout) * 1000;
  if (timeoutMs !== undefined && !(timeoutMs > 0)) throw new CliFailure(`--timeout ${flags.timeout}: expected a positive number of seconds`);
  // The rest runs with what was just written, as the worker will.
  const effective = loadRuntimeConfig({ ...process.env, ...setupVariables(answers) });
  const session = await connectTemporalClient(effective);
  try {
    const ctx: OperatorContext = { config: effective, catalog, session, client: session.client };
    const started = await startEnable(ctx, answers.maps, { initialSync: answers.initialSync, id: `setup-${Date.now()}`, by: actor(flags.by) });
    say(`Enabling ${started.order.length} map(s) in dependency order${answers.initialSync ? ` with an initial sync from ${answers.initialSync}` : ''}: ${started.order.join(' -> ')}`);
    say(`  workflow ${started.workflowId} on ${session.temporal.summary}`);
    if (flags.wait) {
      const final = await waitForEnable(ctx, started, { timeoutMs, print: say });
      say(`Setup done: ${final.length} map(s) run live.`);
    } else {
      say('Setup done. Follow the maps with `dualwrite status` or in the Temporal UI (workflow dualwrite-enable-…); a worker (`dualwrite worker`) must be running.');
    }
  } finally {
    await session.close();
  }
}
