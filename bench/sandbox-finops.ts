import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startFinopsSandbox } from '../src/sandbox/finops/server';
import { formatMultipartBatch, parseMultipartBatchResponse, type BatchRequestPart } from '../src/sandbox/shared/multipart-batch';

/**
 * F&O sandbox throughput over real HTTP on a file-backed store:
 *  - creates and updates per second through $batch, one change set of 1,000 operations per batch;
 *  - pages per second (10,000 rows each) following @odata.nextLink across all companies.
 *
 *   npx tsx bench/sandbox-finops.ts [--batches 20] [--read-rows 100000]
 */

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const raw = i >= 0 ? process.argv[i + 1] : undefined;
  const n = raw === undefined ? fallback : Number(raw);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`--${name} must be a positive whole number, got ${raw}`);
  return n;
}

async function main(): Promise<void> {
  const batches = arg('batches', 20);
  const readRows = arg('read-rows', 100_000);
  const dir = mkdtempSync(join(tmpdir(), 'bench-finops-'));
  const sb = await startFinopsSandbox({ port: 0, dbFile: join(dir, 'finops.db'), seed: 1, seedOptions: { customers: readRows } });
  const headers = { authorization: `Bearer ${sb.token()}` };
  try {
    const runBatch = async (requests: BatchRequestPart[]): Promise<void> => {
      const { body, contentType } = formatMultipartBatch([{ kind: 'changeset', requests }]);
      const res = await fetch(`${sb.serviceRoot}$batch`, { method: 'POST', body, headers: { ...headers, 'content-type': contentType } });
      const items = parseMultipartBatchResponse(await res.text(), res.headers.get('content-type'));
      const first = items[0];
      if (res.status !== 200 || first?.kind !== 'changeset') throw new Error(`batch failed: ${JSON.stringify(first).slice(0, 500)}`);
    };
    const json = { 'content-type': 'application/json' };
    const account = (b: number, i: number) => `BN-${String(b).padStart(3, '0')}-${String(i).padStart(4, '0')}`;

    // Client and server share this process, so CPU time covers both sides; on a busy machine
    // it is the steadier figure (wall time includes waiting for other processes).
    const cpuSeconds = (since: NodeJS.CpuUsage) => {
      const u = process.cpuUsage(since);
      return (u.user + u.system) / 1e6;
    };
    let cpu = process.cpuUsage();
    let started = performance.now();
    for (let b = 0; b < batches; b++) {
      await runBatch(
        Array.from({ length: 1000 }, (_, i) => ({
          method: 'POST',
          url: 'CustomersV3',
          headers: json,
          body: JSON.stringify({ CustomerAccount: account(b, i), OrganizationName: `Bench ${b}/${i}`, PartyType: 'Organization', CustomerGroupId: '10', SalesCurrencyCode: 'USD', PaymentTerms: 'Net30', CreditLimit: i, PrimaryContactEmail: `b${b}i${i}@bench.example`, AddressCity: 'Seattle' }),
        })),
      );
    }
    const createSeconds = (performance.now() - started) / 1000;
    const createCpu = cpuSeconds(cpu);

    cpu = process.cpuUsage();
    started = performance.now();
    for (let b = 0; b < batches; b++) {
      await runBatch(
        Array.from({ length: 1000 }, (_, i) => ({
          method: 'POST',
          url: 'CustomersV3',
          headers: { ...json, prefer: 'return=minimal' },
          body: JSON.stringify({ CustomerAccount: `M${account(b, i)}`, OrganizationName: `Bench ${b}/${i}`, PartyType: 'Organization', CustomerGroupId: '10', SalesCurrencyCode: 'USD', PaymentTerms: 'Net30', CreditLimit: i }),
        })),
      );
    }
    const minimalSeconds = (performance.now() - started) / 1000;

    cpu = process.cpuUsage();
    started = performance.now();
    for (let b = 0; b < batches; b++) {
      await runBatch(
        Array.from({ length: 1000 }, (_, i) => ({
          method: 'PATCH',
          url: `CustomersV3(dataAreaId='usmf',CustomerAccount='${account(b, i)}')`,
          headers: json,
          body: JSON.stringify({ CreditLimit: i + 1, OrganizationName: `Bench ${b}/${i} updated` }),
        })),
      );
    }
    const updateSeconds = (performance.now() - started) / 1000;
    const updateCpu = cpuSeconds(cpu);

    cpu = process.cpuUsage();
    started = performance.now();
    let pages = 0;
    let rows = 0;
    let next: string | undefined = `${sb.serviceRoot}CustomersV3?cross-company=true`;
    while (next) {
      const res = await fetch(next, { headers });
      const body = (await res.json()) as { value: unknown[]; '@odata.nextLink'?: string };
      pages++;
      rows += body.value.length;
      next = body['@odata.nextLink'];
    }
    const readSeconds = (performance.now() - started) / 1000;
    const readCpu = cpuSeconds(cpu);

    // The columns a standard map syncs, not all of them.
    started = performance.now();
    let selectedPages = 0;
    next = `${sb.serviceRoot}CustomersV3?cross-company=true&$select=dataAreaId,CustomerAccount,OrganizationName,CustomerGroupId,SalesCurrencyCode,PaymentTerms,CreditLimit,OnHoldStatus,PrimaryContactEmail,PrimaryContactPhone,AddressCity,AddressZipCode,ModifiedDateTime`;
    while (next) {
      const body = (await (await fetch(next, { headers })).json()) as { '@odata.nextLink'?: string };
      selectedPages++;
      next = body['@odata.nextLink'];
    }
    const selectedSeconds = (performance.now() - started) / 1000;

    const ops = batches * 1000;
    console.log(
      JSON.stringify(
        {
          batchSize: 1000,
          creates: ops,
          createsPerSecond: Math.round(ops / createSeconds),
          createsPerCpuSecond: Math.round(ops / createCpu),
          createsReturnMinimalPerSecond: Math.round(ops / minimalSeconds),
          updates: ops,
          updatesPerSecond: Math.round(ops / updateSeconds),
          updatesPerCpuSecond: Math.round(ops / updateCpu),
          pages,
          rowsRead: rows,
          pagesPerSecond: Number((pages / readSeconds).toFixed(2)),
          pagesPerCpuSecond: Number((pages / readCpu).toFixed(2)),
          rowsReadPerSecond: Math.round(rows / readSeconds),
          pagesPerSecondWith13SelectedColumns: Number((selectedPages / selectedSeconds).toFixed(2)),
          loadAverage: (await import('node:os')).loadavg()[0]?.toFixed(2),
        },
        null,
        2,
      ),
    );
  } finally {
    await sb.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
