import type { Server } from 'node:http';
import { type DynamicModule, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { ServiceEnvironment } from '@dtx/config';
import { shutdownTelemetry } from '@dtx/telemetry';
import { Logger } from 'nestjs-pino';
import { SECURITY_SCHEMES } from '../http/api-contract.js';
import { answerMethodNotAllowed } from '../http/method-not-allowed.js';
import { listenOnAdminPort, separateAdminRoutes } from './admin-port.js';
import { ServiceLifecycle } from './service-lifecycle.js';

/** What starting a process needs of its configuration: a service's, or an app's without a database (the console). */
export type StartServiceConfig = Pick<ServiceEnvironment, 'PORT' | 'HOST' | 'SERVICE_VERSION' | 'SHUTDOWN_TIMEOUT_MS'> &
  Partial<Pick<ServiceEnvironment, 'ENABLE_FAULT_INJECTION' | 'ADMIN_PORT'>>;

export interface StartServiceOptions {
  serviceName: string;
  description: string;
  rootModule: DynamicModule;
  /** HOST, PORT, SERVICE_VERSION and SHUTDOWN_TIMEOUT_MS (past which shutdown is cut short, exit 1). */
  config: StartServiceConfig;
  /** Also parse HTML form posts (application/x-www-form-urlencoded), for an app with pages. */
  forms?: boolean;
}

/** Boots a service: HTTP on host:port, OpenAPI at /docs, and SIGTERM/SIGINT handled in order. */
export async function startService(options: StartServiceOptions): Promise<INestApplication> {
  const app = await NestFactory.create<NestExpressApplication>(options.rootModule, {
    bufferLogs: true,
    forceCloseConnections: true,
    bodyParser: false,
  });
  app.useBodyParser('json', { limit: '64kb' });
  if (options.forms) {
    app.useBodyParser('urlencoded', { limit: '16kb', extended: false });
  }
  const logger = app.get(Logger);
  app.useLogger(logger);
  app.flushLogs();
  const { PORT, HOST } = options.config;
  const ENABLE_FAULT_INJECTION = options.config.ENABLE_FAULT_INJECTION ?? false;
  const adminPort = options.config.ADMIN_PORT ?? PORT + 1000;
  if (ENABLE_FAULT_INJECTION) {
    separateAdminRoutes(app, adminPort);
  }
  publishOpenApi(app, options);
  await app.listen(PORT, HOST);
  const adminServer = ENABLE_FAULT_INJECTION ? await listenOnAdminPort(app, adminPort, HOST) : undefined;
  stopOnSignals(app, logger, options, adminServer);
  logger.log(
    `${options.serviceName} listening on http://${HOST}:${PORT}` +
      (adminServer ? `, fault injection on http://${HOST}:${adminPort}/admin` : ''),
    'startService',
  );
  return app;
}

/** The OpenAPI document at /docs (interactive) and /docs/openapi.json; a method it does not list for a path is 405. */
function publishOpenApi(app: NestExpressApplication, options: StartServiceOptions): void {
  const builder = new DocumentBuilder()
    .setTitle(`${options.serviceName} service`)
    .setDescription(
      `${options.description}\n\nEvery route but /health/*, /metrics and /docs needs \`Authorization: Bearer <JWT>\`. ` +
        'With ENABLE_FAULT_INJECTION=true, /admin/* is served on the admin port (ADMIN_PORT, PORT + 1000 by default) only.',
    )
    .setVersion(options.config.SERVICE_VERSION);
  for (const [name, description] of Object.entries(SECURITY_SCHEMES)) {
    builder.addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description }, name);
  }
  const document = SwaggerModule.createDocument(app, builder.build());
  answerMethodNotAllowed(app, document);
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs/openapi.json' });
}

function stopOnSignals(
  app: INestApplication,
  logger: Logger,
  options: StartServiceOptions,
  adminServer: Server | undefined,
): void {
  const stop = async (signal: NodeJS.Signals) => {
    const lifecycle = app.get(ServiceLifecycle);
    if (!lifecycle.acceptingWork) {
      return;
    }
    lifecycle.beginShutdown(signal);
    logger.log(`${signal} received: stopping`, 'shutdown');
    setTimeout(() => {
      logger.error(`shutdown did not finish within ${options.config.SHUTDOWN_TIMEOUT_MS} ms; exiting`, 'shutdown');
      process.exit(1);
    }, options.config.SHUTDOWN_TIMEOUT_MS).unref();
    try {
      adminServer?.closeAllConnections();
      adminServer?.close();
      await app.close();
      await shutdownTelemetry();
      logger.log('stopped cleanly', 'shutdown');
      process.exit(0);
    } catch (error) {
      logger.error({ err: error }, 'shutdown failed', 'shutdown');
      process.exit(1);
    }
  };
  process.once('SIGTERM', (signal) => void stop(signal));
  process.once('SIGINT', (signal) => void stop(signal));
}
