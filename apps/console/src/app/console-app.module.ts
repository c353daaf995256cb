import {
  Module,
  RequestMethod,
  type DynamicModule,
  type MiddlewareConsumer,
  type NestModule,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { TokenVerifier } from '@dtx/auth';
import { kafkaSecurityOf } from '@dtx/config';
import { createKafkaClient, KafkaReadinessProbe } from '@dtx/messaging';
import { loggerParams, MetricsRegistry, ServiceLifecycle } from '@dtx/service-platform';
import type { Kafka } from 'kafkajs';
import { LoggerModule, PinoLogger } from 'nestjs-pino';
import { Gauge } from 'prom-client';
import type { ConsoleConfig } from './console.config.js';
import { HealthController } from './health.controller.js';
import { DeadLettersController } from './pages/dead-letters.controller.js';
import { InDoubtController } from './pages/in-doubt.controller.js';
import { OrdersController } from './pages/orders.controller.js';
import { StaticController } from './pages/static.controller.js';
import { SessionMiddleware } from './session/session.middleware.js';
import { SignInController } from './session/sign-in.controller.js';
import { Traces } from './sources/jaeger.js';
import { MessageIndex } from './sources/message-index.js';
import { Services } from './sources/services.js';
import { CONSOLE_CONFIG, CONSOLE_KAFKA, TOKEN_VERIFIER } from './tokens.js';

/** Closes the readiness probe's Kafka connection at shutdown. */
class ProbeCloser implements OnApplicationShutdown {
  constructor(private readonly probe: KafkaReadinessProbe) {}
  async onApplicationShutdown(): Promise<void> {
    await this.probe.close();
  }
}

function tokenVerifier(config: ConsoleConfig): TokenVerifier {
  const jwks = config.AUTH_JWKS_URL ? { url: config.AUTH_JWKS_URL } : { file: config.AUTH_JWKS_FILE ?? '' };
  return new TokenVerifier({ issuer: config.AUTH_ISSUER, audience: config.AUTH_AUDIENCE, jwks });
}

function metricsRegistry(config: ConsoleConfig, messages: MessageIndex): MetricsRegistry {
  const registry = new MetricsRegistry('console', config.SERVICE_VERSION);
  const gauge = (name: string, help: string, read: () => number) =>
    new Gauge({
      name,
      help,
      registers: [registry],
      collect() {
        this.set(read());
      },
    });
  gauge(
    'console_message_index_messages',
    'Kafka messages held by the console’s index',
    () => messages.index.status().messages,
  );
  gauge('console_message_index_orders', 'Orders held by the console’s index', () => messages.index.status().orders);
  gauge(
    'console_message_index_dropped_orders',
    'Orders dropped from the index to stay within CONSOLE_INDEX_MAX_MESSAGES',
    () => messages.index.status().droppedOrders,
  );
  gauge(
    'console_message_index_partitions_behind',
    'Partitions the index has not yet read to where they ended at start-up',
    () => messages.index.status().partitionsBehind,
  );
  return registry;
}

/** The console: pages for admins over the services' APIs, Kafka (an index of every message by order) and Jaeger. */
@Module({})
export class ConsoleAppModule implements NestModule {
  static register(config: ConsoleConfig): DynamicModule {
    return {
      module: ConsoleAppModule,
      imports: [LoggerModule.forRoot(loggerParams('console', config)), TerminusModule],
      controllers: [
        HealthController,
        SignInController,
        OrdersController,
        DeadLettersController,
        InDoubtController,
        StaticController,
      ],
      providers: [
        { provide: CONSOLE_CONFIG, useValue: config },
        { provide: TOKEN_VERIFIER, useFactory: () => tokenVerifier(config) },
        {
          provide: CONSOLE_KAFKA,
          inject: [PinoLogger],
          useFactory: (logger: PinoLogger) =>
            createKafkaClient({
              clientId: 'console',
              brokers: config.KAFKA_BROKERS,
              security: kafkaSecurityOf(config),
              logger: logger.logger,
            }),
        },
        {
          provide: KafkaReadinessProbe,
          inject: [CONSOLE_KAFKA],
          useFactory: (kafka: Kafka) => new KafkaReadinessProbe(kafka),
        },
        {
          provide: ProbeCloser,
          inject: [KafkaReadinessProbe],
          useFactory: (probe: KafkaReadinessProbe) => new ProbeCloser(probe),
        },
        {
          provide: MetricsRegistry,
          inject: [MessageIndex],
          useFactory: (messages: MessageIndex) => metricsRegistry(config, messages),
        },
        ServiceLifecycle,
        Services,
        Traces,
        MessageIndex,
      ],
    };
  }

  configure(consumer: MiddlewareConsumer): void {
    consumer
      .apply(SessionMiddleware)
      .exclude(
        { path: 'sign-in', method: RequestMethod.ALL },
        { path: 'health/*path', method: RequestMethod.ALL },
        { path: 'metrics', method: RequestMethod.ALL },
        { path: 'static/*path', method: RequestMethod.ALL },
        { path: 'docs', method: RequestMethod.ALL },
        { path: 'docs/*path', method: RequestMethod.ALL },
      )
      .forRoutes('*path');
  }
}
