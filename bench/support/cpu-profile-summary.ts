import { readFileSync } from 'node:fs';
import { relative } from 'node:path';

/**
 * Summarises a V8 .cpuprofile (from `node --cpu-prof`): self time by function and by file, the
 * evidence behind "where does the time go". Usage: npx tsx bench/support/cpu-profile-summary.ts <file.cpuprofile> [top=25]
 */
interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

function main(): void {
  const file = process.argv[2];
  if (!file) throw new Error('usage: cpu-profile-summary.ts <file.cpuprofile> [top]');
  const top = Number(process.argv[3] ?? 25);
  const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfUs = new Map<number, number>();
  profile.samples.forEach((id, i) => selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  const total = [...selfUs.values()].reduce((a, b) => a + b, 0);
  const byFunction = new Map<string, number>();
  const byArea = new Map<string, number>();
  for (const [id, us] of selfUs) {
    const f = byId.get(id)!.callFrame;
    const where = f.url ? relative(process.cwd(), f.url.replace(/^file:\/\//, '')) : '(native)';
    const name = `${f.functionName || '(anonymous)'} ${where}:${f.lineNumber + 1}`;
    byFunction.set(name, (byFunction.get(name) ?? 0) + us);
    byArea.set(area(where, f.functionName), (byArea.get(area(where, f.functionName)) ?? 0) + us);
  }
  const pct = (us: number) => `${((us / total) * 100).toFixed(1)}%`;
  process.stdout.write(`total sampled ${(total / 1e6).toFixed(1)} s\n\nby area:\n`);
  for (const [k, us] of [...byArea].sort((a, b) => b[1] - a[1])) process.stdout.write(`  ${pct(us).padStart(6)}  ${k}\n`);
  process.stdout.write(`\ntop ${top} functions (self time):\n`);
  for (const [k, us] of [...byFunction].sort((a, b) => b[1] - a[1]).slice(0, top)) process.stdout.write(`  ${pct(us).padStart(6)}  ${k}\n`);
}

/** Coarse buckets: which part of the system the CPU went to. */
function area(where: string, fn: string): string {
  if (where === '(native)') return fn === '(idle)' ? 'idle' : fn === '(garbage collector)' ? 'garbage collection' : `native ${fn}`;
  if (where.includes('node_modules/@temporalio')) return 'Temporal SDK';
  if (where.includes('node_modules/better-sqlite3')) return 'SQLite (better-sqlite3)';
  if (where.includes('node_modules/kysely')) return 'kysely';
  if (where.includes('node_modules/hono') || where.includes('node_modules/@hono')) return 'hono (HTTP servers)';
  if (where.includes('node_modules/axios') || where.includes('undici') || where.startsWith('node:internal/deps/undici')) return 'HTTP client';
  if (where.includes('node_modules/')) return `other deps (${where.split('node_modules/')[1]?.split('/')[0] ?? '?'})`;
  if (where.startsWith('node:')) return `Node internals (${where.split('/').slice(0, 2).join('/')})`;
  if (where.startsWith('src/sandbox/')) return 'sandboxes';
  if (where.startsWith('src/connectors/')) return 'connectors';
  if (where.startsWith('src/store/')) return 'control store';
  if (where.startsWith('src/maps/')) return 'maps (transform, hash, keys)';
  if (where.startsWith('activities/')) return 'activities (engine)';
  if (where.startsWith('src/api/')) return 'API receivers';
  return where.split('/').slice(0, 2).join('/');
}

main();
