import { ConfigError } from '../../config/runtime-config';
import { OperatorError } from '../../runtime/worker-process';

/** A command failure whose message says everything: printed as is, exit code 1, no stack. */
export class CliFailure extends Error {
  constructor(message: string, readonly exitCode = 1) {
    super(message);
  }
}

/** The one-line (or few-line) text an operator sees for an error; never a stack trace. */
export function failureText(err: unknown): string {
  if (err instanceof ConfigError || err instanceof OperatorError || err instanceof CliFailure) return err.message;
  if (err instanceof Error) return err.message;
  return String(err);
}

/**
 * Runs a command body; any failure is printed as `dualwrite: <message>` on stderr and the exit
 * code set to non-zero. Stacks are for bugs, and even then the message alone is what helps.
 */
export async function runOperatorCommand(body: () => Promise<void> | void): Promise<void> {
  try {
    await body();
  } catch (err) {
    console.error(`dualwrite: ${failureText(err)}`);
    process.exitCode = err instanceof CliFailure ? err.exitCode : 1;
  }
}
