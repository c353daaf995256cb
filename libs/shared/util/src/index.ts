export { sleep, TimeoutError, withTimeout } from './lib/timing.js';
export { errorMessage } from './lib/errors.js';
