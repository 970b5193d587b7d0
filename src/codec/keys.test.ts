import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { codecKeysFromSettings } from './environment';
import { ensureCodecKeyFile } from './key-file';
import { CodecKeyError, generateCodecKey, parseCodecKeys } from './keys';

const b64 = (n: number) => randomBytes(n).toString('base64');

test('the first key encrypts, all decrypt', () => {
  const k2 = b64(32);
  const k1 = b64(32);
  const ring = parseCodecKeys(`k2:${k2}, k1:${k1}`, 'DUALWRITE_CODEC_KEYS');
  assert.equal(ring.primary.id, 'k2');
  assert.deepEqual(ring.primary.key, Buffer.from(k2, 'base64'));
  assert.deepEqual([...ring.byId.keys()], ['k2', 'k1']);
  // New lines and comments work too (the key file form).
  assert.equal(parseCodecKeys(`# keys\nk3:${b64(32)}\nk2:${k2}\n`, 'file').byId.size, 2);
  assert.equal(parseCodecKeys(generateCodecKey('x'), 'generated').primary.id, 'x');
});

test('bad keys fail with the entry and the reason, never the key text', () => {
  const short = b64(16);
  const cases: [string, RegExp][] = [
    ['', /holds no keys/],
    [short, /entry #1: no "<id>:" prefix/],
    [`k1:${short}`, /entry #1 \(id "k1"\): the key decodes to 16 bytes; AES-256 needs exactly 32/],
    [`k1:not base64!!`, /entry #1 \(id "k1"\): the key is not base64/],
    [`k1:${b64(32)},k1:${b64(32)}`, /entry #2: the key id "k1" is listed twice/],
    [`${b64(40)}:${b64(32)}`, /entry #1: the key id \(\d+ characters\) must be/],
  ];
  for (const [text, expected] of cases) {
    assert.throws(
      () => parseCodecKeys(text, 'DUALWRITE_CODEC_KEYS'),
      (err: Error) => {
        assert.ok(err instanceof CodecKeyError, `${text}: ${err.message}`);
        assert.match(err.message, expected);
        for (const part of text.split(/[,:]/).filter((p) => p.length >= 16)) assert.ok(!err.message.includes(part), `the message quotes key material: ${err.message}`);
        return true;
      },
    );
  }
});

test('npm start makes its key file once, mode 0600, and reuses it', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dualwrite-codec-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, 'sub', 'codec.key');
  const first = ensureCodecKeyFile(path);
  assert.equal(first.created, true);
  assert.equal(statSync(path).mode & 0o777, 0o600);
  const second = ensureCodecKeyFile(path);
  assert.equal(second.created, false);
  assert.deepEqual(second.keys.primary.key, first.keys.primary.key);
  // The file is also what DUALWRITE_CODEC_KEY_FILE reads; the inline variable wins over it.
  assert.equal(codecKeysFromSettings({ DUALWRITE_CODEC_KEY_FILE: path })?.primary.id, first.keys.primary.id);
  assert.equal(codecKeysFromSettings({ DUALWRITE_CODEC_KEYS: `inline:${b64(32)}`, DUALWRITE_CODEC_KEY_FILE: path })?.primary.id, 'inline');
  assert.equal(codecKeysFromSettings({}), undefined);
  const broken = join(dir, 'broken.key');
  writeFileSync(broken, 'k1:abc\n');
  assert.throws(() => codecKeysFromSettings({ DUALWRITE_CODEC_KEY_FILE: broken }), /invalid codec key file .*broken\.key/);
  assert.throws(() => codecKeysFromSettings({ DUALWRITE_CODEC_KEY_FILE: join(dir, 'missing') }), /cannot read the codec key file .*ENOENT/);
});

test('DUALWRITE_CODEC_KEYS is validated with the rest of the configuration, key text never shown', async () => {
  const { loadRuntimeConfig, ConfigError } = await import('../config/runtime-config');
  const bad = `k1:${b64(16)}`;
  assert.throws(
    () => loadRuntimeConfig({ DUALWRITE_CODEC_KEYS: bad }),
    (err: Error) => err instanceof ConfigError && /DUALWRITE_CODEC_KEYS \(environment\) = \*+ \(set\): expected .*entry #1 \(id "k1"\): the key decodes to 16 bytes/.test(err.message) && !err.message.includes(bad.slice(3)),
  );
  const good = `k2:${b64(32)},k1:${b64(32)}`;
  assert.equal(loadRuntimeConfig({ DUALWRITE_CODEC_KEYS: good }).DUALWRITE_CODEC_KEYS, good);
  assert.deepEqual(loadRuntimeConfig({ DUALWRITE_CODEC_ALLOWED_ORIGINS: 'https://temporal.example.com/' }).DUALWRITE_CODEC_ALLOWED_ORIGINS, ['https://temporal.example.com']);
  assert.throws(() => loadRuntimeConfig({ DUALWRITE_CODEC_ALLOWED_ORIGINS: 'temporal.example.com' }), /DUALWRITE_CODEC_ALLOWED_ORIGINS/);
});
