import { DefaultFailureConverter } from '@temporalio/common';

/**
 * Loaded by path (DataConverter.failureConverterPath). Error messages and stack traces may quote
 * record values (a rejected e-mail address, say), so they travel in an encoded payload, which the
 * payload codec then encrypts, instead of in the failure's plain `message` field.
 */
export const failureConverter = new DefaultFailureConverter({ encodeCommonAttributes: true });
