// Every workflow type the worker registers. Only deterministic orchestration lives here:
// all I/O is in activities/ (lint forbids Node built-ins under workflows/).
export { workerProbe } from './worker-probe';
