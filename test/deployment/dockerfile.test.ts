import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join, relative } from 'node:path';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { buildProgram } from '../../src/cli/main';

/**
 * The Dockerfile checked without a Docker engine: its instructions parsed and held to what the
 * image needs (official Node 20 slim base, non-root, a health check, sources that exist and are
 * not ignored), and `npm ci --omit=dev` proven sufficient by the imports of the runtime code.
 */

const ROOT = join(__dirname, '../..');

interface Instruction {
  keyword: string;
  args: string;
}

function instructions(text: string): Instruction[] {
  return text
    .replace(/\\\r?\n/g, ' ')
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'))
    .map((l) => {
      const [keyword = '', ...rest] = l.split(/\s+/);
      return { keyword: keyword.toUpperCase(), args: rest.join(' ') };
    });
}

const dockerfile = instructions(readFileSync(join(ROOT, 'Dockerfile'), 'utf8'));
const argDefaults = Object.fromEntries(dockerfile.filter((i) => i.keyword === 'ARG' && i.args.includes('=')).map((i) => i.args.split('=', 2) as [string, string]));
const resolveArgs = (s: string) => s.replace(/\$\{(\w+)\}|\$(\w+)/g, (_m, a?: string, b?: string) => argDefaults[a ?? b ?? ''] ?? '');
const lastStage = dockerfile.slice(dockerfile.map((i) => i.keyword).lastIndexOf('FROM'));
const execForm = (args: string) => JSON.parse(args.replace(/^CMD\s+/, '')) as string[];

describe('Dockerfile', () => {
  it('builds every stage from the official Node 20 slim image', () => {
    const froms = dockerfile.filter((i) => i.keyword === 'FROM').map((i) => resolveArgs(i.args.split(/\s+/)[0]!));
    assert.ok(froms.length >= 1);
    for (const image of froms) assert.match(image, /^node:20(\.\d+)*-(bookworm-|bullseye-)?slim$/);
  });

  it('runs as the image\'s unprivileged user, through the dualwrite CLI', () => {
    const users = lastStage.filter((i) => i.keyword === 'USER').map((i) => i.args);
    assert.ok(users.length > 0 && !['root', '0'].includes(users.at(-1)!), 'a non-root USER in the final stage');
    const userAt = lastStage.findIndex((i) => i.keyword === 'USER');
    const entryAt = lastStage.findIndex((i) => i.keyword === 'ENTRYPOINT');
    assert.ok(userAt >= 0 && userAt < entryAt, 'USER comes before ENTRYPOINT');
    const entrypoint = execForm(lastStage[entryAt]!.args);
    assert.deepEqual(entrypoint, ['node', 'bin/dualwrite.js']);
    assert.ok(existsSync(join(ROOT, 'bin/dualwrite.js')));
  });

  it('checks health against the API\'s /health', () => {
    const hc = lastStage.find((i) => i.keyword === 'HEALTHCHECK');
    assert.ok(hc, 'HEALTHCHECK');
    assert.match(hc.args, /--interval=\d+s/);
    assert.match(hc.args, /\/health'/);
    const source = readFileSync(join(ROOT, 'src/api/app.ts'), 'utf8');
    assert.match(source, /app\.get\('\/health'/, 'the API serves /health');
  });

  it('copies only sources that exist and that .dockerignore lets through', () => {
    const ignored = readFileSync(join(ROOT, '.dockerignore'), 'utf8')
      .split(/\r?\n/)
      .map((l) => l.trim())
      .filter((l) => l !== '' && !l.startsWith('#'));
    const copies = dockerfile.filter((i) => i.keyword === 'COPY' && !i.args.startsWith('--from'));
    assert.ok(copies.length > 0);
    for (const copy of copies) {
      const parts = copy.args.split(/\s+/);
      for (const source of parts.slice(0, -1)) {
        assert.ok(existsSync(join(ROOT, source)), `COPY ${source}: exists`);
        assert.ok(!ignored.includes(source), `COPY ${source}: not excluded by .dockerignore`);
      }
    }
    for (const mustStayOut of ['.git', '.data', 'node_modules', '.env']) assert.ok(ignored.includes(mustStayOut), `.dockerignore keeps ${mustStayOut} out`);
  });

  it('installs with --omit=dev, and every package the runtime code imports is a runtime dependency', () => {
    assert.ok(dockerfile.some((i) => i.keyword === 'RUN' && /npm ci --omit=dev/.test(i.args)));
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
    const builtins = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));
    const missing = new Set<string>();
    for (const file of runtimeSources()) {
      for (const specifier of importsOf(readFileSync(file, 'utf8'))) {
        if (specifier.startsWith('.') || builtins.has(specifier)) continue;
        const name = specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : specifier.split('/')[0]!;
        if (!(name in pkg.dependencies)) missing.add(`${name} (${relative(ROOT, file)})`);
      }
    }
    assert.deepEqual([...missing], [], 'imported at run time but only a devDependency (or not declared)');
  });

  it('offers every command that docker-compose.yml runs', (t) => {
    const compose = parse(readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8'), { merge: true }) as { services: Record<string, { build?: string; command?: string[] }> };
    const used = new Set(Object.values(compose.services).filter((s) => s.build === '.').map((s) => s.command?.[0] ?? 'worker'));
    const registered = buildProgram().commands.map((c) => c.name());
    const missing = [...used].filter((c) => !registered.includes(c));
    // `api` lands with the API work; until then this is reported as to-do rather than hidden.
    if (missing.length > 0 && missing.every((c) => c === 'api')) {
      t.todo('`dualwrite api` is not registered yet');
      return;
    }
    assert.deepEqual(missing, []);
  });
});

/** Files that run in the image: everything it copies except tests and test support. */
function runtimeSources(): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        // The console's browser code (src/console/.web) is bundled at image build time, not imported at run time.
        if (entry.name !== 'test-support' && entry.name !== 'node_modules' && entry.name !== '.web') walk(path);
      } else if (/\.(ts|js)$/.test(entry.name) && !/\.test\.ts$/.test(entry.name) && !entry.name.startsWith('test-')) {
        out.push(path);
      }
    }
  };
  for (const dir of ['src', 'activities', 'workflows', 'bin']) walk(join(ROOT, dir));
  return out;
}

function importsOf(source: string): string[] {
  const found: string[] = [];
  // Type-only imports vanish at run time; their packages may be dev dependencies.
  const pattern = /^\s*(?:import(?!\s+type\b)[^'"]*?from\s*|import\s*|export(?!\s+type\b)[^'"]*?from\s*)['"]([^'"]+)['"]|require\(\s*['"]([^'"]+)['"]\s*\)/gm;
  for (const match of source.matchAll(pattern)) found.push(match[1] ?? match[2]!);
  return found;
}
