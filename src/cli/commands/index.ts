import type { Command } from 'commander';

/** Each command file exports `register(program)`; add a line here for a new one. */
export const commandModules: { register(program: Command): void }[] = [
];
