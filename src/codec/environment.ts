import type { DataConverter } from '@temporalio/common';
import { dataConverterFor } from './data-converter';
import { EncryptionCodec } from './encryption-codec';
import { readCodecKeyFile } from './key-file';
import { CodecKeyError, parseCodecKeys, type CodecKeyring } from './keys';

export interface CodecSettings {
  DUALWRITE_CODEC_KEYS?: string;
  DUALWRITE_CODEC_KEY_FILE?: string;
}

/** The configured keys: DUALWRITE_CODEC_KEYS wins over DUALWRITE_CODEC_KEY_FILE; undefined when neither is set. */
export function codecKeysFromSettings(settings: CodecSettings): CodecKeyring | undefined {
  if (settings.DUALWRITE_CODEC_KEYS?.trim()) return parseCodecKeys(settings.DUALWRITE_CODEC_KEYS, 'DUALWRITE_CODEC_KEYS');
  if (settings.DUALWRITE_CODEC_KEY_FILE?.trim()) return readCodecKeyFile(settings.DUALWRITE_CODEC_KEY_FILE.trim());
  return undefined;
}

export interface CodecSetup {
  codec?: EncryptionCodec;
  /** Pass to Client / Worker.create; undefined: payloads stay plain. */
  dataConverter?: DataConverter;
  /** One line for the start log; never holds key material. */
  summary: string;
}

/** The codec and data converter of a `dualwrite api` or `dualwrite worker` process. */
export function codecSetupFromSettings(settings: CodecSettings): CodecSetup {
  const keys = codecKeysFromSettings(settings);
  if (!keys) return { summary: 'payloads NOT encrypted (set DUALWRITE_CODEC_KEYS or DUALWRITE_CODEC_KEY_FILE; see docs/security.md)' };
  const codec = new EncryptionCodec(keys);
  return { codec, dataConverter: dataConverterFor(codec), summary: `payloads encrypted with key "${keys.primary.id}" (${keys.byId.size} key(s) can decrypt)` };
}

export { CodecKeyError };

/**
 * Spread into `new Client({...})` or `createWorker({...})`: the configured codec's data converter,
 * or nothing when no keys are configured. Every product path that talks to Temporal uses it, so
 * clients and workers of one deployment agree.
 */
export function dataConverterOption(settings: CodecSettings): { dataConverter?: DataConverter } {
  const { dataConverter } = codecSetupFromSettings(settings);
  return dataConverter ? { dataConverter } : {};
}
