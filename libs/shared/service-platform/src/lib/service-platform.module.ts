import { Inject, Injectable, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { TerminusModule } from '@nestjs/terminus';
import { createKafkaClient, KafkaReadinessProbe } from '@dtx/messaging';
import type { Kafka } from 'kafkajs';
import { FaultInjector } from '@dtx/inbox';
import { LoggerModule, PinoLogger } from 'nestjs-pino';
import pg from 'pg';
import { FaultsController } from '../faults/faults.controller.js';
import { ApiExceptionFilter } from '../http/api-exception.filter.js';
import { Messaging } from '../messaging/messaging.js';
import { HealthController } from '../health/health.controller.js';
import { ReadinessIndicators } from '../health/readiness-indicators.js';
import { MetricsController } from '../metrics/metrics.controller.js';
import { MetricsRegistry } from '../metrics/metrics-registry.js';
import { pinoHttpOptions } from './logging.js';
import { ServiceLifecycle } from './service-lifecycle.js';
import { DATABASE, KAFKA, SERVICE_PLATFORM_OPTIONS, SQL_POOL, type DatabaseClient, type PlatformOptions } from './tokens.js';

export interface ServicePlatformOptions extends PlatformOptions {
  createDatabaseClient: (databaseUrl: string) => DatabaseClient;
}

/** Closes the database pools and the Kafka probe after everything that uses them has stopped. */
@Injectable()
class ConnectionCloser implements OnApplicationShutdown {
  constructor(
    @Inject(DATABASE) private readonly database: DatabaseClient,
    @Inject(SQL_POOL) private readonly pool: pg.Pool,
    private readonly kafkaProbe: KafkaReadinessProbe,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    await Promise.allSettled([this.kafkaProbe.close(), this.database.$disconnect(), this.pool.end()]);
  }
}

function createSqlPool(options: ServicePlatformOptions, logger: PinoLogger): pg.Pool {
  const pool = new pg.Pool({
    connectionString: options.config.DATABASE_URL,
    max: 10,
    application_name: options.serviceName,
    connectionTimeoutMillis: 5_000,
  });
  // An idle connection the server closes must not take the process down; the pool replaces it.
  pool.on('error', (error) => logger.warn({ err: error }, 'idle database connection lost'));
  return pool;
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
      imports: [LoggerModule.forRoot({ pinoHttp: pinoHttpOptions(options.serviceName, options.config) }), TerminusModule],
      controllers: [HealthController, MetricsController, ...(options.config.ENABLE_FAULT_INJECTION ? [FaultsController] : [])],
      providers: [
        { provide: SERVICE_PLATFORM_OPTIONS, useValue: options },
        { provide: DATABASE, useFactory: () => options.createDatabaseClient(options.config.DATABASE_URL) },
        { provide: SQL_POOL, inject: [PinoLogger], useFactory: (logger: PinoLogger) => createSqlPool(options, logger) },
        {
          provide: KAFKA,
          inject: [PinoLogger],
          useFactory: (logger: PinoLogger) =>
            createKafkaClient({ clientId: options.serviceName, brokers: options.config.KAFKA_BROKERS, logger: logger.logger }),
        },
        { provide: KafkaReadinessProbe, inject: [KAFKA], useFactory: (kafka: Kafka) => new KafkaReadinessProbe(kafka) },
        { provide: MetricsRegistry, useFactory: () => new MetricsRegistry(options.serviceName, options.config.SERVICE_VERSION) },
        { provide: FaultInjector, useFactory: () => new FaultInjector() },
        { provide: APP_FILTER, useClass: ApiExceptionFilter },
        ServiceLifecycle,
        ReadinessIndicators,
        ConnectionCloser,
        Messaging,
      ],
      exports: [DATABASE, SQL_POOL, KAFKA, MetricsRegistry, ServiceLifecycle, Messaging],
    };
  }
}
