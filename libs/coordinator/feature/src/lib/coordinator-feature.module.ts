import type { ServiceTokens } from '@dtx/auth';
import { Module, type DynamicModule } from '@nestjs/common';
import { SQL_POOL } from '@dtx/service-platform';
import type pg from 'pg';
import { CoordinatorMetrics } from './coordinator-metrics.js';
import { CrashPoints } from './crash-points.js';
import { InDoubtRecovery, RECOVERY_OPTIONS } from './in-doubt-recovery.js';
import { ParticipantClient, type ParticipantUrls } from './participant-client.js';
import { TransactionLog } from '@dtx/coordinator-data-access';
import { COORDINATOR_OPTIONS, TwoPhaseCoordinator } from './two-phase-coordinator.js';

export interface CoordinatorFeatureOptions {
  participantUrls: ParticipantUrls;
  /** The coordinator's own tokens, for the participants. */
  serviceTokens: ServiceTokens;
  prepareTimeoutMs: number;
  phaseTwoRetryIntervalMs: number;
  maxConcurrentTransactions: number;
}

@Module({})
export class CoordinatorFeatureModule {
  static register(options: CoordinatorFeatureOptions): DynamicModule {
    return {
      module: CoordinatorFeatureModule,
      providers: [
        {
          provide: ParticipantClient,
          useValue: new ParticipantClient(
            options.participantUrls,
            {
              prepareTimeoutMs: options.prepareTimeoutMs,
              decisionTimeoutMs: options.prepareTimeoutMs,
            },
            options.serviceTokens,
          ),
        },
        { provide: RECOVERY_OPTIONS, useValue: { intervalMs: options.phaseTwoRetryIntervalMs } },
        { provide: COORDINATOR_OPTIONS, useValue: { maxConcurrentTransactions: options.maxConcurrentTransactions } },
        { provide: TransactionLog, inject: [SQL_POOL], useFactory: (pool: pg.Pool) => new TransactionLog(pool) },
        CoordinatorMetrics,
        CrashPoints,
        TwoPhaseCoordinator,
        InDoubtRecovery,
      ],
      exports: [TwoPhaseCoordinator, CrashPoints],
    };
  }
}
