export * from './types';
export { createConnector } from './factory';
export { ConnectorError, toApplicationFailure, throwAsApplicationFailure, FAILURE_TYPES, NON_RETRYABLE_FAILURE_TYPES, isRetryable } from './errors';
export {
  parseConnectorConfig,
  parseDataverseConfig,
  parseFinopsConfig,
  redactConfig,
  ConnectorConfigError,
  type ConnectorConfig,
  type ConnectorConfigInput,
  type DataverseConfig,
  type FinopsConfig,
} from './config';
export { DataverseConnector } from './dataverse/dataverse-connector';
export { FinopsConnector, STANDARD_FINOPS_KEYS } from './finops/finops-connector';
export type { ConnectorHooks } from './shared/client-setup';
export type { HttpEvent } from './http/http-client';
