import { Command, CommanderError } from 'commander';

/**
 * Test only: runs CLI commands in this process (a child process per call costs seconds on a
 * busy machine) and returns what they printed and the exit code they set. The store and
 * Temporal are the real ones the environment variables point at.
 */
export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export async function runCli(modules: { register(program: Command): void }[], args: string[], env: Record<string, string>): Promise<CliResult> {
  const program = new Command('dualwrite').exitOverride();
  const out: string[] = [];
  const err: string[] = [];
  program.configureOutput({ writeOut: (s) => void out.push(s), writeErr: (s) => void err.push(s) });
  for (const m of modules) m.register(program);
  for (const sub of program.commands) {
    sub.exitOverride().configureOutput({ writeOut: (s) => void out.push(s), writeErr: (s) => void err.push(s) });
    for (const leaf of sub.commands) leaf.exitOverride().configureOutput({ writeOut: (s) => void out.push(s), writeErr: (s) => void err.push(s) });
  }
  const saved = { log: console.log, error: console.error, env: { ...process.env }, exitCode: process.exitCode };
  console.log = (...a: unknown[]) => void out.push(`${a.map(String).join(' ')}\n`);
  console.error = (...a: unknown[]) => void err.push(`${a.map(String).join(' ')}\n`);
  Object.assign(process.env, env);
  process.exitCode = 0;
  let code = 0;
  try {
    await program.parseAsync(['node', 'dualwrite', ...args]);
    code = Number(process.exitCode ?? 0);
  } catch (e) {
    if (!(e instanceof CommanderError)) throw e;
    code = e.exitCode;
  } finally {
    console.log = saved.log;
    console.error = saved.error;
    for (const k of Object.keys(env)) {
      if (saved.env[k] === undefined) delete process.env[k];
      else process.env[k] = saved.env[k];
    }
    process.exitCode = saved.exitCode;
  }
  return { code, stdout: out.join(''), stderr: err.join('') };
}
