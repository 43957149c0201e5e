/** Workflow entry point for the worker's bundle: export every workflow type here. */
export { atrWorkflow } from './atr/index';
export { purgeWorkflow } from './purge/index';
export { escalationWorkflow } from './escalation/index';
export { transparencyRefreshWorkflow } from './transparency/index';
