import type { Command } from 'commander';
import * as start from './start';
import * as worker from './worker';

/** Each command file exports `register(program)`; add a line here for a new one. */
export const commandModules: { register(program: Command): void }[] = [
  start,
  worker,
];
