import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Published Microsoft example payloads (see /work/shared/reference/protocols.md §3). Looked up in
 * $DUALWRITE_REFERENCE_FIXTURES, then test/fixtures/reference in the repo, then the shared
 * reference folder; tests that need them skip with a reason when none is present.
 */
const CANDIDATES = [process.env.DUALWRITE_REFERENCE_FIXTURES, join(__dirname, '../../../test/fixtures/reference'), '/work/shared/reference/fixtures'].filter(
  (p): p is string => !!p,
);

export const FIXTURES_DIR = CANDIDATES.find((p) => existsSync(join(p, 'dataverse-webhook-remoteexecutioncontext.json')));

export const fixturesMissing = FIXTURES_DIR ? false : `reference fixtures not found (looked in ${CANDIDATES.join(', ')})`;

export function fixtureText(name: string): string {
  if (!FIXTURES_DIR) throw new Error(String(fixturesMissing));
  return readFileSync(join(FIXTURES_DIR, name), 'utf8');
}

export function fixtureJson(name: string): unknown {
  return JSON.parse(fixtureText(name)) as unknown;
}

/** The doc placeholder "[Organization URI]" replaced by a real origin. */
export function withOrganization(text: string, origin: string): string {
  return text.split('[Organization URI]').join(origin);
}
