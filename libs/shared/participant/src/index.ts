export { choreographed } from './lib/choreography-handler.js';
export type { StepResult } from './lib/participant-guard.js';
export { participantStep, type CommandResult, type ParticipantStep, type StepWork } from './lib/participant-step.js';
export { orchestrated } from './lib/saga-command-handler.js';
