// The Lua scripts RedisTokenStorage runs. Each runs atomically on the server, so a store of
// several resource servers is never seen half done, and the fence checks cannot race.
//
// Keys of one namespace (all in one cluster slot, through the `{namespace}` hash tag):
//   <prefix>{<ns>}:tokens   hash: resource server -> token data JSON (the Python SDK's shape)
//   <prefix>{<ns>}:fences   hash: resource server -> fence of the newest write
//   <prefix>{<ns>}:fence    counter: the last fence handed out
//   <prefix>{<ns>}:lock:<rs> string: the holder of a resource server's refresh lock

/**
 * Stores entries. KEYS: tokens, fences, fence counter. ARGV: the locked resource server (or
 * ""), the lock's fence (or "0"), then resource server / JSON pairs.
 *
 * An entry for the locked resource server is written only when no newer fence has written
 * it (a holder whose lease lapsed never stores over its successor's token). Every other
 * write takes a new fence, so a lapsed holder cannot overwrite it either. Returns the
 * resource servers left unwritten.
 */
export const STORE_SCRIPT = `
local locked, lockFence = ARGV[1], tonumber(ARGV[2])
local skipped = {}
for i = 3, #ARGV, 2 do
  local rs, json = ARGV[i], ARGV[i + 1]
  if rs == locked and lockFence > 0 then
    local newest = tonumber(redis.call('HGET', KEYS[2], rs) or '0')
    if lockFence >= newest then
      redis.call('HSET', KEYS[1], rs, json)
      redis.call('HSET', KEYS[2], rs, lockFence)
    else
      skipped[#skipped + 1] = rs
    end
  else
    redis.call('HSET', KEYS[1], rs, json)
    redis.call('HSET', KEYS[2], rs, redis.call('INCR', KEYS[3]))
  end
end
return skipped
`;

/**
 * Removes an entry. KEYS: tokens, fences, fence counter. ARGV: the resource server. The
 * removal takes a new fence, so a refresh still in flight cannot bring the entry back.
 * Returns 1 when an entry was removed.
 */
export const REMOVE_SCRIPT = `
local removed = redis.call('HDEL', KEYS[1], ARGV[1])
redis.call('HSET', KEYS[2], ARGV[1], redis.call('INCR', KEYS[3]))
return removed
`;

/**
 * Takes a refresh lock. KEYS: lock, fence counter. ARGV: holder id, lease ms. Returns the
 * holder's fence, or 0 when another holder has the lock.
 */
export const ACQUIRE_SCRIPT = `
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then
  return redis.call('INCR', KEYS[2])
end
return 0
`;

/** Takes a fence without a lock (for a holder that gave up waiting). KEYS: fence counter. */
export const FENCE_SCRIPT = `return redis.call('INCR', KEYS[1])`;

/** Extends the lease when still the holder. KEYS: lock. ARGV: holder id, lease ms. */
export const RENEW_SCRIPT = `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0
`;

/** Frees the lock when still the holder. KEYS: lock. ARGV: holder id. */
export const RELEASE_SCRIPT = `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
`;
