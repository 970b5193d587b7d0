import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { resolvePorts } from '../../contracts/ports';
import { startDataverseSandbox } from '../../sandbox/dataverse/server';
import { startFinopsSandbox } from '../../sandbox/finops/server';

/**
 * `dualwrite sandbox finops|dataverse`: run one local sandbox in the foreground until Ctrl-C.
 * Each starts the sandbox's own `start…Sandbox` and prints where to reach it.
 */

function wholeNumber(name: string) {
  return (raw: string): number => {
    if (!/^\d+$/.test(raw)) throw new InvalidArgumentError(`${name} must be a whole number >= 0, got "${raw}"`);
    return Number(raw);
  };
}

function port(raw: string): number {
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || n > 65535) throw new InvalidArgumentError(`--port must be a TCP port from 0 to 65535, got "${raw}"`);
  return n;
}

/** Resolves when the process gets SIGINT or SIGTERM. */
function untilSignal(): Promise<void> {
  return new Promise((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
}

interface FinopsCliOptions {
  port?: number;
  db: string;
  seed: number;
  customers?: number;
  vendors?: number;
  products?: number;
  salesOrders?: number;
  reseed?: boolean;
  auth: boolean;
  pageSize?: number;
  json?: boolean;
}

interface DataverseCliOptions {
  port?: number;
  db: string;
  seed: number;
  accounts?: number;
  contacts?: number;
  vendors?: number;
  products?: number;
  salesOrders?: number;
  reseed?: boolean;
  auth: boolean;
  json?: boolean;
}

export function register(program: Command): void {
  const sandbox = program.command('sandbox').description('run a local sandbox that speaks the real F&O or Dataverse protocol');

  sandbox
    .command('finops')
    .description('run the F&O sandbox (OData at /data/, token endpoint, data events, /admin/)')
    .option('--port <n>', 'TCP port (default DUALWRITE_FINOPS_PORT or 8081)', port)
    .option('--db <file>', 'SQLite file (":memory:" keeps nothing)', '.data/finops-sandbox.db')
    .option('--seed <n>', 'seed of the demo data', wholeNumber('--seed'), 1)
    .option('--customers <n>', 'customers to generate (over usmf, usrt, demf)', wholeNumber('--customers'))
    .option('--vendors <n>', 'vendors to generate', wholeNumber('--vendors'))
    .option('--products <n>', 'released products to generate', wholeNumber('--products'))
    .option('--sales-orders <n>', 'sales orders to generate', wholeNumber('--sales-orders'))
    .option('--reseed', 'replace the data in an existing --db file')
    .option('--no-auth', 'do not require a bearer token')
    .option('--page-size <n>', 'server-driven page size (default 10000)', wholeNumber('--page-size'))
    .option('--json', 'print the endpoints as JSON')
    .action(async (opts: FinopsCliOptions) => {
      const started = Date.now();
      let lastReport = 0;
      const sb = await startFinopsSandbox({
        port: opts.port ?? resolvePorts().finops,
        dbFile: opts.db,
        seed: opts.seed,
        reseed: opts.reseed,
        requireAuth: opts.auth,
        maxPageSize: opts.pageSize,
        seedOptions: {
          customers: opts.customers,
          vendors: opts.vendors,
          products: opts.products,
          salesOrders: opts.salesOrders,
          onProgress: (set, done, total) => {
            if (Date.now() - lastReport < 1000 || total < 50_000) return;
            lastReport = Date.now();
            console.error(`seeding ${set}: ${done.toLocaleString('en-US')} / ${total.toLocaleString('en-US')}`);
          },
        },
      });
      const info = {
        serviceRoot: sb.serviceRoot,
        tokenUrl: sb.tokenUrl,
        clientId: 'dualwrite-sandbox',
        clientSecret: 'sandbox-secret',
        admin: `${sb.url}/admin/`,
        db: opts.db,
        counts: Object.fromEntries(sb.store.schemas.map((s) => [s.entitySet, sb.store.count(s.entitySet)])),
      };
      if (opts.json) console.log(JSON.stringify(info));
      else {
        console.error(`F&O sandbox ready in ${Date.now() - started} ms`);
        console.error(`  OData:   ${info.serviceRoot}`);
        console.error(`  token:   POST ${info.tokenUrl} (client_id=${info.clientId}, client_secret=${info.clientSecret}, scope=${sb.url}/.default)`);
        console.error(`  admin:   ${info.admin}counts`);
        console.error(`  data:    ${opts.db} (${info.counts.CustomersV3} customers)`);
        console.error('Ctrl-C stops it.');
      }
      await untilSignal();
      await sb.stop();
    });

  sandbox
    .command('dataverse')
    .description('run the Dataverse sandbox (Web API at /api/data/v9.2/, token endpoint, webhooks, /admin/)')
    .option('--port <n>', 'TCP port (default DUALWRITE_DATAVERSE_PORT or 8082)', port)
    .option('--db <file>', 'SQLite file (":memory:" keeps nothing)', '.data/sandbox-dataverse.sqlite')
    .option('--seed <n>', 'seed of the demo data', wholeNumber('--seed'), 1)
    .option('--accounts <n>', 'accounts to generate', wholeNumber('--accounts'))
    .option('--contacts <n>', 'contacts to generate', wholeNumber('--contacts'))
    .option('--vendors <n>', 'vendors to generate', wholeNumber('--vendors'))
    .option('--products <n>', 'products to generate', wholeNumber('--products'))
    .option('--sales-orders <n>', 'sales orders to generate', wholeNumber('--sales-orders'))
    .option('--reseed', 'replace the data in an existing --db file')
    .option('--no-auth', 'do not require a bearer token')
    .option('--json', 'print the endpoints as JSON')
    .action(async (opts: DataverseCliOptions) => {
      const sb = await startDataverseSandbox({
        port: opts.port ?? resolvePorts().dataverse,
        dbFile: opts.db,
        seed: { seed: opts.seed, accounts: opts.accounts, contacts: opts.contacts, vendors: opts.vendors, products: opts.products, salesOrders: opts.salesOrders, reset: opts.reseed },
        requireAuth: opts.auth,
      });
      const info = { serviceRoot: sb.serviceRoot, tokenUrl: sb.tokenUrl, clientId: 'dualwrite-sandbox', clientSecret: 'sandbox-secret', admin: `${sb.url}/admin/`, db: opts.db };
      if (opts.json) console.log(JSON.stringify(info));
      else {
        console.error('Dataverse sandbox ready');
        console.error(`  Web API: ${info.serviceRoot}`);
        console.error(`  token:   POST ${info.tokenUrl} (client_id=${info.clientId}, client_secret=${info.clientSecret}, scope=${sb.url}/.default)`);
        console.error(`  admin:   ${info.admin}counts`);
        console.error('Ctrl-C stops it.');
      }
      await untilSignal();
      await sb.stop();
    });
}
