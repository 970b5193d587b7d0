/** Default ports (design.md §6); each can be overridden by the environment variable next to it. */
export interface Ports {
  temporal: number;
  temporalUi: number;
  api: number;
  finops: number;
  dataverse: number;
}

const DEFAULTS: Record<keyof Ports, { env: string; port: number }> = {
  temporal: { env: 'DUALWRITE_TEMPORAL_PORT', port: 7233 },
  temporalUi: { env: 'DUALWRITE_TEMPORAL_UI_PORT', port: 8233 },
  api: { env: 'DUALWRITE_API_PORT', port: 8080 },
  finops: { env: 'DUALWRITE_FINOPS_PORT', port: 8081 },
  dataverse: { env: 'DUALWRITE_DATAVERSE_PORT', port: 8082 },
};

export const PORT_ENVIRONMENT = Object.fromEntries(Object.entries(DEFAULTS).map(([k, v]) => [k, v.env])) as Record<keyof Ports, string>;

export function resolvePorts(env: NodeJS.ProcessEnv = process.env): Ports {
  const out = {} as Ports;
  for (const [key, { env: name, port }] of Object.entries(DEFAULTS) as [keyof Ports, { env: string; port: number }][]) {
    const raw = env[name];
    if (raw === undefined || raw === '') {
      out[key] = port;
      continue;
    }
    const n = Number(raw);
    if (!Number.isInteger(n) || n < 1 || n > 65535) {
      throw new Error(`${name}=${JSON.stringify(raw)} is not a TCP port: expected a whole number from 1 to 65535`);
    }
    out[key] = n;
  }
  return out;
}
