/**
 * Benchmark of the Dataverse sandbox over real HTTP:
 *   - bulk seed: rows/s of the deterministic seed (accounts), e.g. --seed-rows 1000000
 *   - upserts/s through multipart $batch of 1,000 PATCH upserts by alternate key (creates, then updates)
 *   - pages/s (and rows/s) reading accounts with Prefer: odata.maxpagesize=5000 and nextLink
 *
 * Usage: npx tsx bench/sandbox-dataverse.ts [--upserts 20000] [--seed-rows 100000] [--json]
 * Writes the figures to bench/results/sandbox-dataverse.json.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDataverseSandbox } from '../src/sandbox/dataverse/server';
import { formatMultipartBatch, parseMultipartBatchResponse } from '../src/sandbox/shared/multipart-batch';
import type { BatchRequestItem } from '../src/sandbox/shared/multipart-batch';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  if (i < 0) return fallback;
  const v = Number(process.argv[i + 1]);
  if (!Number.isInteger(v) || v < 0) throw new Error(`--${name} needs a whole number, got ${String(process.argv[i + 1])}`);
  return v;
}

async function main(): Promise<void> {
  const upserts = arg('upserts', 20_000);
  const seedRows = arg('seed-rows', 100_000);
  const dir = mkdtempSync(join(tmpdir(), 'dv-bench-'));
  const results: Record<string, number | string> = { node: process.version, upserts, seedRows };
  try {
    const t0 = Date.now();
    const sb = await startDataverseSandbox({ port: 0, dbFile: join(dir, 'dv.sqlite'), seed: { seed: 1, accounts: seedRows, contacts: 0, vendors: 0, products: 10, salesOrders: 0 } });
    const seedMs = Date.now() - t0;
    results.seedMs = seedMs;
    results.seedAccountsPerSecond = Math.round((seedRows / seedMs) * 1000);
    const token = sb.token();
    const auth = { authorization: `Bearer ${token}` };
    const company = ((await (await fetch(`${sb.serviceRoot}cdm_companies(cdm_companycode='USMF')`, { headers: auth })).json()) as { cdm_companyid: string }).cdm_companyid;

    const runBatches = async (pass: string): Promise<number> => {
      const started = Date.now();
      for (let start = 0; start < upserts; start += 1000) {
        const items: BatchRequestItem[] = [];
        for (let i = start; i < Math.min(start + 1000, upserts); i++) {
          items.push({
            kind: 'request',
            request: {
              method: 'PATCH',
              url: `accounts(accountnumber='BENCH-${i}',_msdyn_company_value=${company})`,
              headers: { 'content-type': 'application/json' },
              body: JSON.stringify({ name: `Bench ${pass} ${i}`, telephone1: `+1 555 ${i}`, creditlimit: i, customertypecode: 3 }),
            },
          });
        }
        const { body, contentType } = formatMultipartBatch(items);
        const res = await fetch(`${sb.serviceRoot}$batch`, { method: 'POST', headers: { ...auth, 'content-type': contentType, prefer: 'odata.continue-on-error' }, body });
        const parts = parseMultipartBatchResponse(await res.text(), res.headers.get('content-type'));
        const failed = parts.filter((p) => p.kind === 'response' && p.response.status >= 400);
        if (res.status !== 200 || failed.length) throw new Error(`batch failed: HTTP ${res.status}, ${failed.length} failed parts`);
      }
      return Math.round((upserts / (Date.now() - started)) * 1000);
    };
    results.batchUpsertCreatesPerSecond = await runBatches('create');
    results.batchUpsertUpdatesPerSecond = await runBatches('update');

    const readStart = Date.now();
    let pages = 0;
    let rows = 0;
    let url: string | undefined = `${sb.serviceRoot}accounts?$select=accountnumber,name,telephone1,_msdyn_company_value,modifiedon`;
    while (url) {
      const res: Response = await fetch(url, { headers: { ...auth, prefer: 'odata.maxpagesize=5000' } });
      const page = (await res.json()) as { value: unknown[]; '@odata.nextLink'?: string };
      pages++;
      rows += page.value.length;
      url = page['@odata.nextLink'];
    }
    const readMs = Date.now() - readStart;
    results.readPages = pages;
    results.readRows = rows;
    results.pagesPerSecond = Math.round((pages / readMs) * 1000 * 10) / 10;
    results.readRowsPerSecond = Math.round((rows / readMs) * 1000);
    await sb.stop();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  mkdirSync(join(__dirname, 'results'), { recursive: true });
  writeFileSync(join(__dirname, 'results', 'sandbox-dataverse.json'), `${JSON.stringify(results, null, 2)}\n`);
  if (process.argv.includes('--json')) console.log(JSON.stringify(results));
  else for (const [k, v] of Object.entries(results)) console.log(`${k.padEnd(32)} ${String(v)}`);
}

main().catch((err: unknown) => {
  console.error(`bench failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
