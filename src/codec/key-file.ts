import { chmodSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { CodecKeyError, generateCodecKey, parseCodecKeys, type CodecKeyring } from './keys';

/** Reads a key file (same form as DUALWRITE_CODEC_KEYS, one entry a line or comma-separated). */
export function readCodecKeyFile(path: string): CodecKeyring {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new CodecKeyError(`cannot read the codec key file ${path}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  return parseCodecKeys(text, `codec key file ${path}`);
}

/**
 * The local stack's key: read from `path`, or made once and written there readable by the owner
 * only (0600), so that `npm start` always encrypts and a restart can still read old histories.
 * `created` tells the caller to say where the key went.
 */
export function ensureCodecKeyFile(path: string): { keys: CodecKeyring; created: boolean } {
  let exists = true;
  try {
    statSync(path);
  } catch {
    exists = false;
  }
  if (exists) return { keys: readCodecKeyFile(path), created: false };
  mkdirSync(dirname(path), { recursive: true });
  const text = `# dualwrite payload codec keys: the first encrypts, all decrypt. Keep this file secret.\n${generateCodecKey('local1')}\n`;
  // 'wx': a concurrent start that made the file first wins, and we read its key instead.
  try {
    writeFileSync(path, text, { mode: 0o600, flag: 'wx' });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return { keys: readCodecKeyFile(path), created: false };
    throw err;
  }
  chmodSync(path, 0o600); // the umask may have removed bits, never added: make the mode exact
  return { keys: readCodecKeyFile(path), created: true };
}
