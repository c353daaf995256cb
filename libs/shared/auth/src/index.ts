export * from './lib/claims.js';
export * from './lib/local-issuer.js';
export * from './lib/principal.js';
export * from './lib/service-tokens.js';
export * from './lib/token-verifier.js';
