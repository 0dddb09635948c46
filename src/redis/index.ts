/**
 * `globus-sdk/redis`: token storage on Redis for fleets of processes and machines. Needs the
 * optional peer dependency `redis` (node-redis); the rest of the SDK never loads it.
 * @module
 */
export {
  type RedisClientLike,
  RedisTokenStorage,
  RedisTokenStorageError,
  type RedisTokenStorageErrorCode,
  type RedisTokenStorageOptions,
} from "./storage.ts";
