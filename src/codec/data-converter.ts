import type { DataConverter, PayloadCodec } from '@temporalio/common';

/** For Worker.create and bundleWorkflowCode: the failure converter that moves messages into encrypted payloads. */
export const FAILURE_CONVERTER_PATH = require.resolve('./failure-converter');

/**
 * The data converter every dualwrite Client and Worker uses: JSON payloads, then the codec
 * (encryption). Clients and workers of one deployment must share the keys, or they cannot read
 * each other's payloads.
 */
export function dataConverterFor(codec: PayloadCodec): DataConverter {
  return { payloadCodecs: [codec], failureConverterPath: FAILURE_CONVERTER_PATH };
}
