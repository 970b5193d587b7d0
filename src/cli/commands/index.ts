import type { Command } from 'commander';
import * as api from './api';
import * as alerts from './alerts';
import * as errors from './errors';
import * as initialSync from './initial-sync';
import * as logs from './logs';
import * as mapsFiles from './maps-files';
import * as mapsLifecycle from './maps-lifecycle';
import * as sandbox from './sandbox';
import * as setup from './setup';
import * as start from './start';
import * as status from './status';
import * as worker from './worker';

/** Each command file exports `register(program)`; add a line here for a new one. */
export const commandModules: { register(program: Command): void }[] = [
  api,
  alerts,
  errors,
  initialSync,
  logs,
  mapsFiles,
  mapsLifecycle,
  sandbox,
  setup,
  start,
  status,
  worker,
];
