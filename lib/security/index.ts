/** The security building blocks; see README-section.md for what each stops. */
export { checkBinding, isLoopbackHost, isWildcardHost } from './binding.js';
export {
  checkRequest,
  clientKey,
  corsHeaders,
  createPolicies,
  isWebSocketUpgrade,
  SAFE_RESPONSE_HEADERS,
  type CorsOptions,
  type GuardFailure,
  type GuardRequest,
  type GuardResult,
  type Policies,
} from './guard.js';
export { createHostPolicy, parseHostHeader, parseHostPattern, type HostPolicy } from './host.js';
export {
  DEFAULT_SECURITY,
  MIN_TOKEN_LENGTH,
  resolveSecurityOptions,
  type RateLimitOptions,
  type SecurityInput,
  type SecurityOptions,
} from './options.js';
export { createOriginPolicy, LOOPBACK_ORIGINS, parseOriginPattern, type OriginPolicy } from './origin.js';
export { createRateLimiter, type RateDecision, type RateLimiter } from './rate-limit.js';
export { httpServerOptions, wsServerOptions } from './server-options.js';
export { createTokenCheck, presentedToken, type TokenCheck } from './token.js';
