import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { inspect } from 'node:util';
import { roleAllows } from './roles';
import { createTokenStore, TokenConfigError, tokensFromEnvironment } from './tokens';

const ADMIN = 'admin-token-0123456789abcdef';
const VIEWER = 'viewer-token-0123456789abcdef';

test('verifies configured tokens and nothing else, keeping only digests', () => {
  const tokens = createTokenStore({ [ADMIN]: { name: 'alice', role: 'admin' }, [VIEWER]: { name: 'bob', role: 'viewer' } });
  assert.deepEqual(tokens.verify(ADMIN), { name: 'alice', role: 'admin' });
  assert.deepEqual(tokens.verify(VIEWER), { name: 'bob', role: 'viewer' });
  assert.equal(tokens.verify(`${ADMIN} `), undefined);
  assert.equal(tokens.verify(ADMIN.slice(0, -1)), undefined);
  assert.equal(tokens.verify(''), undefined);
  assert.equal(tokens.size, 2);
  assert.ok(!inspect(tokens, { depth: 10, showHidden: true }).includes(ADMIN), 'the token text is not kept');
});

test('refuses bad configuration without printing a token', () => {
  const weak = 'short';
  assert.throws(
    () => createTokenStore({ [weak]: { name: 'x', role: 'admin' } }),
    (err: Error) => err instanceof TokenConfigError && err.message.includes('token #1') && err.message.includes('shorter than 16 characters') && !err.message.includes(`"${weak}"`),
  );
  assert.throws(() => createTokenStore({ [ADMIN]: { name: 'x', role: 'root' } as never }), /token #1\.role/);
  assert.throws(() => tokensFromEnvironment({}), /no API tokens configured: set DUALWRITE_API_TOKENS/);
  assert.throws(() => tokensFromEnvironment({ DUALWRITE_API_TOKENS: `{"${ADMIN}": ` }), (err: Error) => /not valid JSON/.test(err.message) && !err.message.includes(ADMIN));
  assert.throws(() => tokensFromEnvironment({ DUALWRITE_API_TOKENS: '{}' }), /holds no tokens/);
});

test('reads tokens from DUALWRITE_API_TOKENS and DUALWRITE_API_TOKENS_FILE', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dualwrite-tokens-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'tokens.json');
  writeFileSync(file, JSON.stringify({ [VIEWER]: { name: 'bob', role: 'viewer' } }));
  const tokens = tokensFromEnvironment({ DUALWRITE_API_TOKENS: JSON.stringify({ [ADMIN]: { name: 'alice', role: 'admin' } }), DUALWRITE_API_TOKENS_FILE: file });
  assert.equal(tokens.verify(ADMIN)?.name, 'alice');
  assert.equal(tokens.verify(VIEWER)?.name, 'bob');
  assert.throws(() => tokensFromEnvironment({ DUALWRITE_API_TOKENS_FILE: join(dir, 'missing.json') }), /cannot read DUALWRITE_API_TOKENS_FILE .*ENOENT/);
});

test('roles are ordered viewer < operator < admin', () => {
  assert.ok(roleAllows('admin', 'operator') && roleAllows('operator', 'operator') && roleAllows('viewer', 'viewer'));
  assert.ok(!roleAllows('viewer', 'operator') && !roleAllows('operator', 'admin'));
});
