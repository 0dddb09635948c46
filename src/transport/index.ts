export * from "./encoding.ts";
export * from "./environments.ts";
export * from "./errors.ts";
export { redactUrl, scrubSecrets } from "./redact.ts";
export {
  CLIENT_INFO,
  DEFAULT_MAX_RESPONSE_BYTES,
  parseRetryAfter,
  RETRYABLE_STATUSES,
  type RetryOptions,
  Transport,
  type TransportOptions,
  userAgent,
} from "./transport.ts";
export type * from "./types.ts";
