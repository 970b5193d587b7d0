import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { ensureTemporalCli } from '../../src/devserver/temporal-cli';
import { NAMESPACE } from '../../src/contracts/names';

const run = promisify(execFile);

export interface CodecAccess {
  /** <api>/codec */
  endpoint: string;
  /** An operator or admin API token. */
  token: string;
}

/**
 * Every history on a Temporal server, as an operator sees it: `temporal workflow list` then
 * `temporal workflow show --output json` per run, with the real CLI binary. With `codec`, the CLI
 * decodes payloads through our codec endpoint, as the Temporal UI does.
 */
export async function showAllHistories(address: string, codec?: CodecAccess): Promise<{ runs: number; text: string }> {
  const cli = await ensureTemporalCli(() => undefined);
  const common = ['--address', address, '--namespace', NAMESPACE, ...(codec ? ['--codec-endpoint', codec.endpoint, '--codec-auth', `Bearer ${codec.token}`] : [])];
  const listed = await run(cli, ['workflow', 'list', '--output', 'json', '--limit', '1000', ...common], { maxBuffer: 64 << 20 });
  const executions = JSON.parse(listed.stdout || '[]') as { execution: { workflowId: string; runId: string } }[];
  const shown: string[] = [];
  for (const { execution } of executions) {
    const out = await run(cli, ['workflow', 'show', '--workflow-id', execution.workflowId, '--run-id', execution.runId, '--output', 'json', ...common], { maxBuffer: 64 << 20 });
    shown.push(out.stdout);
  }
  return { runs: executions.length, text: `${listed.stdout}\n${shown.join('\n')}` };
}

/**
 * Whether `secret` appears in `text` as is, JSON-escaped, or inside base64 (payload bytes are
 * base64 in protobuf JSON; the value may start at any byte offset, so all three alignments).
 */
export function revealsSecret(text: string, secret: string): boolean {
  if (text.includes(secret) || text.includes(JSON.stringify(secret).slice(1, -1))) return true;
  const bytes = Buffer.from(secret, 'utf8');
  for (let k = 0; k < 3; k++) {
    const encoded = Buffer.concat([Buffer.alloc(k), bytes]).toString('base64');
    const n = k + bytes.length;
    const needle = encoded.slice(4 * Math.ceil(k / 3), 4 * Math.floor(n / 3));
    if (needle.length >= 12 && (text.includes(needle) || text.includes(needle.replace(/\+/g, '-').replace(/\//g, '_')))) return true;
  }
  return false;
}
