import { Inject, Injectable, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { TerminusModule } from '@nestjs/terminus';
import { kafkaSecurityOf } from '@dtx/config';
import { createKafkaClient, KafkaReadinessProbe } from '@dtx/messaging';
import type { Kafka } from 'kafkajs';
import { FaultInjector } from '@dtx/inbox';
import { LoggerModule, PinoLogger } from 'nestjs-pino';
import { createSqlPool } from '@dtx/sql';
import type pg from 'pg';
import { AccessGuard } from '../auth/access.js';
import { tokenVerifierFor } from '../auth/authentication.js';
import { FaultsController } from '../faults/faults.controller.js';
import { ApiExceptionFilter } from '../http/api-exception.filter.js';
import { Messaging } from '../messaging/messaging.js';
import { HealthController } from '../health/health.controller.js';
import { ReadinessIndicators } from '../health/readiness-indicators.js';
import { MetricsController } from '../metrics/metrics.controller.js';
import { MetricsRegistry } from '../metrics/metrics-registry.js';
import { RecordsPurge } from '../retention/records-purge.service.js';
import { loggerParams } from './logging.js';
import { ServiceLifecycle } from './service-lifecycle.js';
import {
  DATABASE,
  KAFKA,
  SERVICE_PLATFORM_OPTIONS,
  SQL_PHASE_TWO_POOL,
  SQL_POOL,
  TOKEN_VERIFIER,
  type DatabaseClient,
  type PlatformOptions,
} from './tokens.js';

export interface ServicePlatformOptions extends PlatformOptions {
  /** The service's Prisma client, on the service's one pool. */
  createDatabaseClient: (pool: pg.Pool) => DatabaseClient;
}

/** Closes the database pool and the Kafka probe after everything that uses them has stopped. */
@Injectable()
class ConnectionCloser implements OnApplicationShutdown {
  constructor(
    @Inject(DATABASE) private readonly database: DatabaseClient,
    @Inject(SQL_POOL) private readonly pool: pg.Pool,
    @Inject(SQL_PHASE_TWO_POOL) private readonly phaseTwoPool: pg.Pool,
    private readonly kafkaProbe: KafkaReadinessProbe,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    await Promise.allSettled([this.kafkaProbe.close(), this.database.$disconnect()]);
    await Promise.all([this.pool.end(), this.phaseTwoPool.end()]);
  }
}

function servicePool(
  { serviceName, config }: ServicePlatformOptions,
  logger: PinoLogger,
  purpose: 'service' | 'phase two' = 'service',
): pg.Pool {
  return createSqlPool({
    databaseUrl: config.DATABASE_URL,
    applicationName: purpose === 'service' ? serviceName : `${serviceName}-2pc-phase-two`,
    size: config.DATABASE_POOL_SIZE,
    statementTimeoutMs: config.DATABASE_STATEMENT_TIMEOUT_MS,
    lockTimeoutMs: config.DATABASE_LOCK_TIMEOUT_MS,
    idleInTransactionTimeoutMs: config.DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS,
    onIdleError: (error) => logger.warn({ err: error }, 'idle database connection lost'),
  });
}

/**
 * What every service has: structured logs, its database client and Kafka client,
 * `/health/live`, `/health/ready`, `/metrics`, and an orderly shutdown.
 */
@Module({})
export class ServicePlatformModule {
  static forRoot(options: ServicePlatformOptions): DynamicModule {
    return {
      module: ServicePlatformModule,
      global: true,
      imports: [LoggerModule.forRoot(loggerParams(options.serviceName, options.config)), TerminusModule],
      controllers: [
        HealthController,
        MetricsController,
        ...(options.config.ENABLE_FAULT_INJECTION ? [FaultsController] : []),
      ],
      providers: [
        { provide: SERVICE_PLATFORM_OPTIONS, useValue: options },
        { provide: SQL_POOL, inject: [PinoLogger], useFactory: (logger: PinoLogger) => servicePool(options, logger) },
        {
          provide: SQL_PHASE_TWO_POOL,
          inject: [PinoLogger],
          useFactory: (logger: PinoLogger) => servicePool(options, logger, 'phase two'),
        },
        { provide: DATABASE, inject: [SQL_POOL], useFactory: (pool: pg.Pool) => options.createDatabaseClient(pool) },
        {
          provide: KAFKA,
          inject: [PinoLogger],
          useFactory: (logger: PinoLogger) =>
            createKafkaClient({
              clientId: options.serviceName,
              brokers: options.config.KAFKA_BROKERS,
              security: kafkaSecurityOf(options.config),
              logger: logger.logger,
            }),
        },
        { provide: KafkaReadinessProbe, inject: [KAFKA], useFactory: (kafka: Kafka) => new KafkaReadinessProbe(kafka) },
        {
          provide: MetricsRegistry,
          useFactory: () => new MetricsRegistry(options.serviceName, options.config.SERVICE_VERSION),
        },
        { provide: FaultInjector, useFactory: () => new FaultInjector() },
        { provide: APP_FILTER, useClass: ApiExceptionFilter },
        { provide: TOKEN_VERIFIER, useFactory: () => tokenVerifierFor(options.config) },
        { provide: APP_GUARD, useClass: AccessGuard },
        ServiceLifecycle,
        ReadinessIndicators,
        ConnectionCloser,
        Messaging,
        RecordsPurge,
      ],
      exports: [DATABASE, SQL_POOL, SQL_PHASE_TWO_POOL, KAFKA, MetricsRegistry, ServiceLifecycle, Messaging],
    };
  }
}
