export { CoordinatorFeatureModule, type CoordinatorFeatureOptions } from './lib/coordinator-feature.module.js';
export { crashPointNames, CrashPoints, type CrashPointAction, type CrashPointName } from './lib/crash-points.js';
export { PRESUMED_ABORT, TwoPhaseCoordinator } from './lib/two-phase-coordinator.js';
