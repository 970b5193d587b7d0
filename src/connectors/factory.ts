import type { Connector } from './types';
import { parseConnectorConfig, type ConnectorConfig, type ConnectorConfigInput } from './config';
import { DataverseConnector } from './dataverse/dataverse-connector';
import { FinopsConnector } from './finops/finops-connector';
import type { ConnectorHooks } from './shared/client-setup';

/**
 * Builds the connector for a validated configuration. A new system is one more case here, one
 * more member of the config union, and a folder implementing Connector (docs/connectors.md).
 */
export function createConnector(input: ConnectorConfigInput | ConnectorConfig, hooks: ConnectorHooks = {}): Connector {
  const config = parseConnectorConfig(input);
  switch (config.system) {
    case 'dataverse':
      return new DataverseConnector(config, hooks);
    case 'finops':
      return new FinopsConnector(config, hooks);
  }
}
