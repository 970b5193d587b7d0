import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Published Microsoft example payloads (Dataverse and Entra documentation), kept in the repo
 * under test/fixtures/reference (README.md there names each source). $DUALWRITE_REFERENCE_FIXTURES
 * can point elsewhere.
 */
const CANDIDATES = [process.env.DUALWRITE_REFERENCE_FIXTURES, join(__dirname, '../../../test/fixtures/reference')].filter(
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
