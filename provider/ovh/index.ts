/** Public surface of the OVH HTTP client. */
export type { HttpMethod, QueryValue, OvhRequest, OvhRequester } from "./request";
export { OvhApiError, OvhNetworkError, OvhConfigError, type OvhErrorBody } from "./errors";
export {
  OVH_ENDPOINTS,
  OVH_ENDPOINT_NAMES,
  DEFAULT_ENDPOINT,
  resolveEndpoint,
  baseUrlForPath,
  type OvhEndpoint,
} from "./endpoints";
export {
  resolveOvhConfig,
  describeOvhConfig,
  settingLabel,
  settingWithSource,
  OVH_ENV_VARS,
  OVH_SETTING_KEYS,
  SECRET_SETTINGS,
  DEFAULT_TIMEOUT_MS,
  REDACTED,
  type OvhSettings,
  type OvhSettingKey,
  type SettingSource,
  type OvhConfigSources,
  type OvhAuth,
  type OvhV1Auth,
  type OvhOAuth2Auth,
  type OvhAccessTokenAuth,
  type OvhNoAuth,
  type OvhLimits,
  type ResolvedOvhConfig,
} from "./config";
export { signV1Request, type SignatureInput } from "./signature";
export { ServerClock, ServerTimeUnavailableError } from "./clock";
export {
  OAuth2TokenCache,
  StaticTokenSource,
  buildTokenRequestBody,
  parseTokenResponse,
  type OAuth2Token,
  type BearerTokenSource,
} from "./oauth2";
export {
  decideRetry,
  isRetryable,
  isIdempotentMethod,
  classifyNetworkError,
  parseRetryAfter,
  backoffDelay,
  RETRYABLE_STATUSES,
  NOT_SENT_CODES,
  NOT_SENT_FATAL_CODES,
  DEFAULT_MAX_RETRIES,
  type AttemptFailure,
  type NetworkFailure,
  type RetryDecision,
  type RetryDecisionInput,
  type BackoffOptions,
} from "./retry";
export {
  RequestLimiter,
  DEFAULT_RATE_PER_SECOND,
  DEFAULT_BURST,
  DEFAULT_MAX_CONCURRENCY,
  type LimiterClock,
  type LimiterOptions,
  type Release,
} from "./limiter";
export {
  UndiciTransport,
  loadCa,
  type OvhTransport,
  type TransportRequest,
  type TransportResponse,
  type UndiciTransportOptions,
} from "./transport";
export { buildRequestUrl, serializeJsonBody } from "./wire";
export {
  OvhClient,
  createOvhClient,
  USER_AGENT,
  type OvhClientOptions,
  type OvhRequestLogEvent,
} from "./client";
