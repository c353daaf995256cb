export {
  DATABASE,
  KAFKA,
  SQL_PHASE_TWO_POOL,
  SQL_POOL,
  TOKEN_VERIFIER,
  type DatabaseClient,
  type PlatformOptions,
} from './lib/tokens.js';
export { ServiceLifecycle } from './lib/service-lifecycle.js';
export { ServicePlatformModule, type ServicePlatformOptions } from './lib/service-platform.module.js';
export { startService, type StartServiceConfig, type StartServiceOptions } from './lib/start-service.js';
export { loggerParams, type LoggingConfig } from './lib/logging.js';
export { MetricsRegistry } from './metrics/metrics-registry.js';
export { ApiError, type ApiErrorBody, type ApiErrorDetail } from './http/api-error.js';
export { openApiSchema } from './http/openapi-schema.js';
export {
  ApiContract,
  SECURITY_SCHEMES,
  type ErrorStatus,
  type HeaderContract,
  type RouteContract,
  type SecurityScheme,
} from './http/api-contract.js';
export { ZodValidationPipe, type InputSource } from './http/zod-validation.pipe.js';
export { Messaging } from './messaging/messaging.js';
export { Access, CurrentPrincipal, type Caller } from './auth/access.js';
export { serviceTokensFor, type ServiceCredentialConfig } from './auth/authentication.js';
export { purgeExpiredRecords, type RetentionPeriods } from './retention/records-purge.js';
