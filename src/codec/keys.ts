import { randomBytes } from 'node:crypto';

/**
 * AES-256 keys of the payload codec, each with an id that is written beside every ciphertext so
 * that a key can be rotated: the first key encrypts, every listed key decrypts.
 *
 * Form (DUALWRITE_CODEC_KEYS or the key file): `k2:<base64 of 32 bytes>,k1:<base64>`; commas or
 * new lines separate entries. Error messages name an entry by its position and id, never by its
 * key text, so a misconfiguration never puts a key into a log.
 */
export interface CodecKey {
  id: string;
  key: Buffer;
}

export interface CodecKeyring {
  /** Encrypts every new payload. */
  primary: CodecKey;
  /** Every key that may decrypt, by id (the primary included). */
  byId: ReadonlyMap<string, Buffer>;
}

export class CodecKeyError extends Error {}

export const KEY_BYTES = 32;
const KEY_ID = /^[A-Za-z0-9._-]{1,64}$/;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$|^[A-Za-z0-9_-]+$/;
const FORM = '"<id>:<base64 of 32 random bytes>" entries separated by commas, e.g. "k2:<base64>,k1:<base64>" (make a key with `openssl rand -base64 32`)';

/** Parses the keys; `source` names where they came from in error messages (e.g. "DUALWRITE_CODEC_KEYS"). */
export function parseCodecKeys(text: string, source: string): CodecKeyring {
  const entries = text
    .split('\n')
    .filter((line) => !line.trim().startsWith('#'))
    .flatMap((line) => line.split(','))
    .map((e) => e.trim())
    .filter((e) => e !== '');
  if (entries.length === 0) throw new CodecKeyError(`${source} holds no keys: expected ${FORM}`);
  const keys: CodecKey[] = [];
  const problems: string[] = [];
  entries.forEach((entry, index) => {
    const where = `entry #${index + 1}`;
    const colon = entry.indexOf(':');
    if (colon < 0) {
      problems.push(`${where}: no "<id>:" prefix`);
      return;
    }
    const id = entry.slice(0, colon).trim();
    const encoded = entry.slice(colon + 1).trim();
    if (!KEY_ID.test(id)) {
      // The id may be a pasted key by mistake: show only its length.
      problems.push(`${where}: the key id (${id.length} characters) must be 1-64 letters, digits, ".", "_" or "-"`);
      return;
    }
    if (!BASE64.test(encoded)) {
      problems.push(`${where} (id "${id}"): the key is not base64`);
      return;
    }
    const key = Buffer.from(encoded, encoded.includes('-') || encoded.includes('_') ? 'base64url' : 'base64');
    if (key.length !== KEY_BYTES) {
      problems.push(`${where} (id "${id}"): the key decodes to ${key.length} bytes; AES-256 needs exactly ${KEY_BYTES}`);
      return;
    }
    if (keys.some((k) => k.id === id)) {
      problems.push(`${where}: the key id "${id}" is listed twice; every key needs its own id`);
      return;
    }
    keys.push({ id, key });
  });
  if (problems.length > 0) throw new CodecKeyError(`invalid ${source}: expected ${FORM}\n${problems.map((p) => `  ${p}`).join('\n')}`);
  return { primary: keys[0]!, byId: new Map(keys.map((k) => [k.id, k.key])) };
}

/** A fresh random key in the configuration form, `<id>:<base64>`. */
export function generateCodecKey(id = `k${new Date().toISOString().slice(0, 10).replace(/-/g, '')}`): string {
  return `${id}:${randomBytes(KEY_BYTES).toString('base64')}`;
}
