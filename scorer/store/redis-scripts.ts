/**
 * Lua scripts of the Redis score store. Each runs atomically on the server, which is what makes
 * the lease a lease and the fencing check a check: nothing can happen between the comparison and
 * the write. The lease value is "holder#token"; the fence key holds the last token issued (INCR).
 */

/** KEYS: lease, fence. ARGV: holder, ttlMs. Returns the new fencing token, or nil if held. */
export const ACQUIRE = `
if not redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then return nil end
local token = redis.call('INCR', KEYS[2])
redis.call('SET', KEYS[1], ARGV[1] .. '#' .. token, 'PX', ARGV[2])
return token`;

/** KEYS: lease. ARGV: "holder#token", ttlMs. Compare-and-set expiry; 1 renewed, 0 lost. */
export const RENEW = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return 1`;

/** KEYS: lease. ARGV: "holder#token". Deletes the lease only if it is still this one. */
export const RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) end
return 1`;

/**
 * KEYS: lease, fence, weights, scores, meta.
 * ARGV: "holder#token", token, ttlMs, newRevision, modelVersion ('' = none), upsertCount,
 *       upsertCount × (service, weightsJson, scoresJson), then services to remove.
 * Refuses with STORE_FENCED unless the lease is this one and the fence is still this token.
 * Empty publications (and an unchanged model) keep the revision and only refresh the TTLs.
 */
export const PUBLISH = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] or redis.call('GET', KEYS[2]) ~= ARGV[2] then
  return redis.error_reply('STORE_FENCED')
end
local n = tonumber(ARGV[6])
local i = 7
for _ = 1, n do
  redis.call('HSET', KEYS[3], ARGV[i], ARGV[i + 1])
  redis.call('HSET', KEYS[4], ARGV[i], ARGV[i + 2])
  i = i + 3
end
local removed = 0
while i <= #ARGV do
  removed = removed + redis.call('HDEL', KEYS[3], ARGV[i])
  redis.call('HDEL', KEYS[4], ARGV[i])
  i = i + 1
end
local revision = redis.call('HGET', KEYS[5], 'revision')
if n > 0 or removed > 0 or not revision or redis.call('HGET', KEYS[5], 'modelVersion') ~= ARGV[5] then
  revision = ARGV[4]
  redis.call('HSET', KEYS[5], 'revision', revision, 'modelVersion', ARGV[5], 'leader', ARGV[1])
end
for k = 3, 5 do redis.call('PEXPIRE', KEYS[k], ARGV[3]) end
return revision`;
