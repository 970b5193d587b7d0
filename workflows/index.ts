// Every workflow type the worker registers. Only deterministic orchestration lives here:
// all I/O is in activities/ (lint forbids Node built-ins and I/O modules under workflows/).
export { workerProbe } from './worker-probe';
export { tableMapWorkflow } from './table-map/workflow';
export { initialSyncWorkflow } from './initial-sync/workflow';
export { enableMapsWorkflow } from './enable-maps/workflow';
export { onDemandWorkflow } from './on-demand/workflow';
