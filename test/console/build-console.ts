import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const CONSOLE_DIR = join(__dirname, '../../src/console');

function newestMtime(dir: string): number {
  let newest = 0;
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    const s = statSync(path);
    newest = Math.max(newest, s.isDirectory() ? newestMtime(path) : s.mtimeMs);
  }
  return newest;
}

/**
 * Builds the console unless dist/ is newer than its sources, so a test run never drives a stale
 * build (the same command as `npm run build:console`).
 */
export function ensureConsoleBuilt(): void {
  let built = 0;
  try {
    built = statSync(join(CONSOLE_DIR, 'dist/index.html')).mtimeMs;
  } catch {
    // Not built yet.
  }
  const sources = Math.max(newestMtime(join(CONSOLE_DIR, '.web')), statSync(join(CONSOLE_DIR, 'index.html')).mtimeMs);
  if (built > sources) return;
  const vite = join(__dirname, '../../node_modules/vite/bin/vite.js');
  const result = spawnSync(process.execPath, [vite, 'build', CONSOLE_DIR, '--outDir', 'dist', '--emptyOutDir', '--logLevel', 'warn'], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`the console build failed (exit ${result.status}):\n${result.stdout}\n${result.stderr}`);
}
