import type { IncomingMessage } from 'node:http';
import type { ServiceEnvironment } from '@dtx/config';
import type { Options } from 'pino-http';

const quietPaths = ['/health/', '/metrics'];

/** JSON logs with the service's name on every line; probes and scrapes are not logged. */
export function pinoHttpOptions(serviceName: string, config: ServiceEnvironment): Options {
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
