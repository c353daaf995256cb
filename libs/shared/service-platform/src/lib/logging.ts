import type { IncomingMessage } from 'node:http';
import { RequestMethod } from '@nestjs/common';
import type { ServiceEnvironment } from '@dtx/config';
import type { Params } from 'nestjs-pino';
import type { Options } from 'pino-http';

/** What logging needs of a process's configuration. */
export type LoggingConfig = Pick<ServiceEnvironment, 'LOG_LEVEL' | 'SERVICE_VERSION'>;

const quietPaths = ['/health/', '/metrics'];

/**
 * The two-phase-commit protocol's routes get no request logger: a 2PC order
 * makes seven such requests (POST /transactions to the coordinator, six to
 * the participants' /2pc routes), binding a logger to each costs more than
 * the request's own work, and their spans (see @dtx/telemetry) already say
 * what each did. Errors are still logged, with the request's method and path.
 */
const routesWithoutRequestLogger: Params['exclude'] = [
  { path: '2pc/*path', method: RequestMethod.ALL },
  { path: 'transactions', method: RequestMethod.POST },
];

/** Structured request logging (see pinoHttpOptions), except for the 2PC protocol's routes. */
export function loggerParams(serviceName: string, config: LoggingConfig): Params {
  return { pinoHttp: pinoHttpOptions(serviceName, config), exclude: routesWithoutRequestLogger };
}

/** JSON logs with the service's name on every line; probes and scrapes are not logged. */
export function pinoHttpOptions(serviceName: string, config: LoggingConfig): Options {
  return {
    level: config.LOG_LEVEL,
    base: { service: serviceName, version: config.SERVICE_VERSION },
    messageKey: 'msg',
    redact: ['req.headers.authorization', 'req.headers.cookie'],
    autoLogging: {
      ignore: (request: IncomingMessage) => quietPaths.some((path) => request.url?.startsWith(path) ?? false),
    },
  };
}
