/** Helpers for the Dataverse sandbox tests: a small seeded sandbox on a free port and a fetch wrapper. */
import { startDataverseSandbox } from './server';
import type { DataverseSandbox, DataverseSandboxOptions } from './server';

export interface TestSandbox {
  sb: DataverseSandbox;
  /** fetch relative to the service root with a bearer token and JSON headers. */
  dv(path: string, init?: RequestInit & { headers?: Record<string, string> }): Promise<Response>;
  /** JSON body of a response (asserting nothing). */
  json<T = Record<string, unknown>>(res: Response): Promise<T>;
  companyId(code: string): Promise<string>;
}

export async function startTestSandbox(options: DataverseSandboxOptions = {}): Promise<TestSandbox> {
  const sb = await startDataverseSandbox({
    port: 0,
    dbFile: ':memory:',
    seed: { seed: 7, accounts: 30, contacts: 20, vendors: 5, products: 10, salesOrders: 5 },
    webhookRetryDelayMs: 20,
    ...options,
  });
  const token = sb.token();
  const dv = (path: string, init: RequestInit & { headers?: Record<string, string> } = {}) =>
    fetch(path.startsWith('http') ? path : `${sb.serviceRoot}${path}`, {
      ...init,
      headers: { authorization: `Bearer ${token}`, accept: 'application/json', 'odata-version': '4.0', ...(init.body ? { 'content-type': 'application/json' } : {}), ...(init.headers ?? {}) },
    });
  const json = async <T,>(res: Response) => (await res.json()) as T;
  const companyId = async (code: string) => {
    const res = await dv(`cdm_companies(cdm_companycode='${code}')?$select=cdm_companyid`);
    return ((await res.json()) as { cdm_companyid: string }).cdm_companyid;
  };
  return { sb, dv, json, companyId };
}
