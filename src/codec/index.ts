export { dataConverterFor, FAILURE_CONVERTER_PATH } from './data-converter';
export { EncryptionCodec, ENCRYPTED_ENCODING, KEY_ID_METADATA, PayloadDecryptionError } from './encryption-codec';
export { codecKeysFromSettings, codecSetupFromSettings, dataConverterOption, type CodecSettings, type CodecSetup } from './environment';
export { ensureCodecKeyFile, readCodecKeyFile } from './key-file';
export { CodecKeyError, generateCodecKey, parseCodecKeys, KEY_BYTES, type CodecKey, type CodecKeyring } from './keys';
