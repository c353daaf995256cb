export { sleep, TimeoutError, withTimeout } from './lib/timing.js';
export { errorMessage } from './lib/errors.js';
export { backoffDelay, type RetryPolicy } from './lib/retry-policy.js';
export {
  fetchTransport,
  KeepAliveTransport,
  type HttpRequest,
  type HttpResponse,
  type HttpTransport,
} from './lib/http-transport.js';
