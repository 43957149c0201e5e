/** The shared contract: import from here, not from the files behind it. */
export * from './activities';
export * from './closure';
export * from './quiet-hours';
export * from './workflow';
export * from './purge';
export * from './escalation';
export * from './events';
export * from './officers';
export * from './escalation-actions';
export * from './escalation-activities';
export * from './transparency';
