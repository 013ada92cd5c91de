package redisfrontier

import "github.com/redis/go-redis/v9"

// The frontier's operations are Lua scripts, each atomic in Redis: taking an
// item and its host, freeing a host, taking back a dead worker's holdings. Time
// is Redis's own (TIME), so that workers whose clocks differ keep one pace per
// host.
//
// Keys of a run, under its prefix P ("gongkai:run:ID:"):
//
//	seeded           Redis holds the run's whole queue: set once a fill from the store ended (gone after a restart without persistence: rebuilt from the store)
//	items            hash  key -> item (JSON), every item queued or held and not done
//	seen             set   keys queued in the run (an item is queued once)
//	seq              counter, the order items were queued in
//	q:HOST           zset  key -> -priority*1e12 + seq: the host's queue, best first
//	ready            zset  host -> -priority*1e13 + next: free, rested hosts by their best item, then the longest rested
//	sleeping         zset  host -> next: free hosts with items, resting until next
//	next             hash  host -> when it may take its next request (ms)
//	holder           hash  host -> the worker whose request it has in flight
//	blocked          set   hosts left alone for the run
//	failures, challenges, fetched, spent (ms)   hashes host -> count
//	good             hash  host -> its last page that answered normally
//	tries            hash  key -> attempts
//	workers          zset  worker -> when its lease on what it holds expires (ms)
//	info             hash  worker -> who it is (JSON: host, pid, since, token)
//	w:WORKER:leases  hash  key -> host "\n" priority: the items a worker holds
//	w:WORKER:hosts   set   the hosts a worker holds
//	stats            hash  worker " " token -> the counts of one process of a worker (JSON): kept at each renewal, and when it left
//	active           hash  worker -> when it last took an item (ms) " " the item's key, for crawl --status
//	did              hash  worker -> how many items it finished

const lib = `
local P = ARGV[1]
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)

local function prio_of(score)
  return math.ceil(-tonumber(score) / 1e12)
end

-- place puts a free host where its state says: ready, sleeping, or nowhere
-- (held, left alone, nothing queued).
local function place(host)
  redis.call('ZREM', P .. 'ready', host)
  redis.call('ZREM', P .. 'sleeping', host)
  if redis.call('HEXISTS', P .. 'holder', host) == 1 or redis.call('SISMEMBER', P .. 'blocked', host) == 1 then
    return
  end
  local head = redis.call('ZRANGE', P .. 'q:' .. host, 0, 0, 'WITHSCORES')
  if #head == 0 then
    return
  end
  local nxt = tonumber(redis.call('HGET', P .. 'next', host) or '0')
  if nxt <= now then
    redis.call('ZADD', P .. 'ready', -prio_of(head[2]) * 1e13 + nxt, host)
  else
    redis.call('ZADD', P .. 'sleeping', nxt, host)
  end
end

local function queue(key, host, prio)
  local seq = redis.call('INCR', P .. 'seq')
  redis.call('ZADD', P .. 'q:' .. host, -tonumber(prio) * 1e12 + seq, key)
end

-- reclaim gives what a worker holds back to the run: its items to their
-- queues, its hosts free after rest ms (its last request may just have ended).
local function reclaim(w, rest)
  local hosts = redis.call('SMEMBERS', P .. 'w:' .. w .. ':hosts')
  for _, h in ipairs(hosts) do
    if redis.call('HGET', P .. 'holder', h) == w then
      redis.call('HDEL', P .. 'holder', h)
      local nxt = tonumber(redis.call('HGET', P .. 'next', h) or '0')
      redis.call('HSET', P .. 'next', h, math.max(nxt, now + rest))
    end
  end
  local leases = redis.call('HGETALL', P .. 'w:' .. w .. ':leases')
  local touched = {}
  for i = 1, #leases, 2 do
    local key, v = leases[i], leases[i + 1]
    local nl = string.find(v, '\n', 1, true)
    local host, prio = string.sub(v, 1, nl - 1), string.sub(v, nl + 1)
    if redis.call('HEXISTS', P .. 'items', key) == 1 and redis.call('SISMEMBER', P .. 'blocked', host) == 0 then
      queue(key, host, prio)
      touched[host] = true
    end
  end
  for _, h in ipairs(hosts) do touched[h] = true end
  redis.call('DEL', P .. 'w:' .. w .. ':leases', P .. 'w:' .. w .. ':hosts')
  redis.call('ZREM', P .. 'workers', w)
  for h in pairs(touched) do place(h) end
  return #leases / 2
end

-- reap reclaims the workers whose lease expired (killed, or cut off).
local function reap(rest)
  local dead = redis.call('ZRANGEBYSCORE', P .. 'workers', '-inf', now, 'LIMIT', 0, 16)
  for _, w in ipairs(dead) do reclaim(w, rest) end
end

local function lost()
  return redis.call('EXISTS', P .. 'seeded') == 0
end
`

func script(body string) *redis.Script { return redis.NewScript(lib + body) }

// ARGV: P, worker, lease ms, rest ms. Returns {"lost"}, {"item", json},
// {"done"} or {"wait", ms} (-1: nothing rests, other workers' requests are in
// flight).
var nextScript = script(`
if lost() then return {'lost'} end
local w = ARGV[2]
redis.call('ZADD', P .. 'workers', now + tonumber(ARGV[3]), w)
reap(tonumber(ARGV[4]))
local due = redis.call('ZRANGEBYSCORE', P .. 'sleeping', '-inf', now, 'LIMIT', 0, 64)
for _, h in ipairs(due) do place(h) end
while true do
  local top = redis.call('ZPOPMIN', P .. 'ready')
  if #top == 0 then break end
  local h = top[1]
  local head = redis.call('ZPOPMIN', P .. 'q:' .. h)
  if #head > 0 then
    local key = head[1]
    local data = redis.call('HGET', P .. 'items', key)
    if data then
      redis.call('HSET', P .. 'holder', h, w)
      redis.call('SADD', P .. 'w:' .. w .. ':hosts', h)
      redis.call('HSET', P .. 'w:' .. w .. ':leases', key, h .. '\n' .. prio_of(head[2]))
      redis.call('HSET', P .. 'active', w, now .. ' ' .. key)
      return {'item', data}
    end
  end
  place(h) -- a stale entry (done meanwhile): the host's next item decides
end
-- Nothing queued and no request in flight anywhere: the run has no work left.
-- Items that workers hold past their requests (documents their sinks have not
-- stored yet) bring no new work: their links were queued before the release.
if redis.call('ZCARD', P .. 'ready') == 0 and redis.call('ZCARD', P .. 'sleeping') == 0 and redis.call('HLEN', P .. 'holder') == 0 then
  return {'done'}
end
local first = redis.call('ZRANGE', P .. 'sleeping', 0, 0, 'WITHSCORES')
if #first == 0 then return {'wait', '-1'} end
return {'wait', tostring(math.max(tonumber(first[2]) - now, 0))}
`)

// ARGV: P, "fill" (the queue refilled from the store: Redis need not hold
// the run yet) or "add", then key, host, priority, json for each item. Returns
// {"lost"} or {"ok", how many were queued, refused key...}.
var addScript = script(`
if ARGV[2] ~= 'fill' and lost() then return {'lost'} end
local refused = {}
local touched = {}
local added = 0
for i = 3, #ARGV, 4 do
  local key, host, prio, data = ARGV[i], ARGV[i + 1], ARGV[i + 2], ARGV[i + 3]
  if redis.call('SISMEMBER', P .. 'blocked', host) == 1 then
    table.insert(refused, key)
  elseif redis.call('SADD', P .. 'seen', key) == 1 then
    redis.call('HSET', P .. 'items', key, data)
    queue(key, host, prio)
    touched[host] = true
    added = added + 1
  end
end
for h in pairs(touched) do
  if redis.call('HEXISTS', P .. 'holder', h) == 0 then place(h) end
end
local out = {'ok', tostring(added)}
for _, k in ipairs(refused) do table.insert(out, k) end
return out
`)

// ARGV: P, worker, host, wait ms. Frees a host held by the worker (or by no
// one any more: after a restart, the wait still holds).
var releaseScript = script(`
if lost() then return {'lost'} end
local w, h = ARGV[2], ARGV[3]
local nxt = tonumber(redis.call('HGET', P .. 'next', h) or '0')
redis.call('HSET', P .. 'next', h, math.max(nxt, now + tonumber(ARGV[4])))
local holder = redis.call('HGET', P .. 'holder', h)
if holder == w then
  redis.call('HDEL', P .. 'holder', h)
  redis.call('SREM', P .. 'w:' .. w .. ':hosts', h)
  holder = false
end
if not holder then place(h) end
return {'ok'}
`)

// ARGV: P, worker, key, host, priority. Queues an item again, counting the
// attempt; the host is still the worker's until released.
var retryScript = script(`
if lost() then return {'lost'} end
local w, key, h = ARGV[2], ARGV[3], ARGV[4]
redis.call('HINCRBY', P .. 'tries', key, 1)
redis.call('HDEL', P .. 'w:' .. w .. ':leases', key)
if redis.call('SISMEMBER', P .. 'blocked', h) == 1 then
  redis.call('HDEL', P .. 'items', key)
else
  queue(key, h, ARGV[5])
end
return {'ok'}
`)

// ARGV: P, worker, key, host. The item is finished in the store.
var doneScript = script(`
if lost() then return {'lost'} end
local w, key, h = ARGV[2], ARGV[3], ARGV[4]
redis.call('HDEL', P .. 'w:' .. w .. ':leases', key)
redis.call('HDEL', P .. 'items', key)
redis.call('ZREM', P .. 'q:' .. h, key)
redis.call('HINCRBY', P .. 'did', w, 1)
return {'ok'}
`)

// ARGV: P, hash, field, by (0: read, -1: reset).
var countScript = script(`
if lost() then return {'lost'} end
local by = tonumber(ARGV[4])
if by < 0 then
  redis.call('HDEL', P .. ARGV[2], ARGV[3])
  return {'ok', '0'}
end
if by == 0 then
  return {'ok', redis.call('HGET', P .. ARGV[2], ARGV[3]) or '0'}
end
return {'ok', tostring(redis.call('HINCRBY', P .. ARGV[2], ARGV[3], by))}
`)

// ARGV: P, host. Returns {"ok", challenges in a row, last good page}.
var challengedScript = script(`
if lost() then return {'lost'} end
local n = redis.call('HINCRBY', P .. 'challenges', ARGV[2], 1)
return {'ok', tostring(n), redis.call('HGET', P .. 'good', ARGV[2]) or ''}
`)

// ARGV: P, host, page URL ("" for none).
var answeredScript = script(`
if lost() then return {'lost'} end
redis.call('HDEL', P .. 'challenges', ARGV[2])
if ARGV[3] ~= '' then redis.call('HSET', P .. 'good', ARGV[2], ARGV[3]) end
return {'ok'}
`)

// ARGV: P, host. Leaves a host alone; returns {"ok", json...} of its items.
var blockScript = script(`
if lost() then return {'lost'} end
local h = ARGV[2]
redis.call('SADD', P .. 'blocked', h)
local out = {'ok'}
for _, key in ipairs(redis.call('ZRANGE', P .. 'q:' .. h, 0, -1)) do
  local data = redis.call('HGET', P .. 'items', key)
  if data then
    table.insert(out, data)
    redis.call('HDEL', P .. 'items', key)
  end
end
redis.call('DEL', P .. 'q:' .. h)
redis.call('ZREM', P .. 'ready', h)
redis.call('ZREM', P .. 'sleeping', h)
return out
`)

// ARGV: P, worker, host. Returns {"ok"}, {"blocked"} or {"wait", ms}.
var borrowScript = script(`
if lost() then return {'lost'} end
local w, h = ARGV[2], ARGV[3]
if redis.call('SISMEMBER', P .. 'blocked', h) == 1 then return {'blocked'} end
local nxt = tonumber(redis.call('HGET', P .. 'next', h) or '0')
if redis.call('HEXISTS', P .. 'holder', h) == 1 then return {'wait', '-1'} end
if nxt > now then return {'wait', tostring(nxt - now)} end
redis.call('HSET', P .. 'holder', h, w)
redis.call('SADD', P .. 'w:' .. w .. ':hosts', h)
redis.call('ZREM', P .. 'ready', h)
redis.call('ZREM', P .. 'sleeping', h)
return {'ok'}
`)

// ARGV: P, worker, lease ms, token, its counts so far (JSON, or ""). Renews
// the worker's lease and keeps its counts; {"lost"} when the run is gone from
// Redis, {"taken"} when another process has the name.
var heartbeatScript = script(`
if lost() then return {'lost'} end
local w = ARGV[2]
local info = redis.call('HGET', P .. 'info', w)
if info and not string.find(info, ARGV[4], 1, true) then return {'taken'} end
redis.call('ZADD', P .. 'workers', now + tonumber(ARGV[3]), w)
if ARGV[5] ~= '' then redis.call('HSET', P .. 'stats', w .. ' ' .. ARGV[4], ARGV[5]) end
return {'ok'}
`)

// ARGV: P, worker, lease ms, info json, token, host name. Enters a worker in
// the run. A live entry of its name from the same machine is the worker
// restarted after a kill (its data folder lock says the old process is gone):
// what the old one held goes back to the queue at once. From another machine
// it is another worker, and the name is taken.
var enterScript = script(`
local w = ARGV[2]
local exp = redis.call('ZSCORE', P .. 'workers', w)
local info = redis.call('HGET', P .. 'info', w)
if exp and tonumber(exp) > now and info and not string.find(info, ARGV[5], 1, true) then
  local ok, old = pcall(cjson.decode, info)
  if not ok or old['host'] ~= ARGV[6] then
    return {'taken', info}
  end
end
if exp then reclaim(w, tonumber(ARGV[7])) end
redis.call('ZADD', P .. 'workers', now + tonumber(ARGV[3]), w)
redis.call('HSET', P .. 'info', w, ARGV[4])
return {'ok'}
`)

// ARGV: P, worker, lease ms, then n hosts, then key, host, priority, json of
// each lease. After Redis lost the run, a worker says again what it holds,
// before the queue is rebuilt.
var reassertScript = script(`
local w = ARGV[2]
redis.call('ZADD', P .. 'workers', now + tonumber(ARGV[3]), w)
local n = tonumber(ARGV[4])
for i = 5, 4 + n do
  local h = ARGV[i]
  redis.call('HSET', P .. 'holder', h, w)
  redis.call('SADD', P .. 'w:' .. w .. ':hosts', h)
  redis.call('ZREM', P .. 'ready', h)
  redis.call('ZREM', P .. 'sleeping', h)
end
for i = 5 + n, #ARGV, 4 do
  local key, h, prio, data = ARGV[i], ARGV[i + 1], ARGV[i + 2], ARGV[i + 3]
  redis.call('SADD', P .. 'seen', key)
  redis.call('HSET', P .. 'items', key, data)
  redis.call('HSET', P .. 'w:' .. w .. ':leases', key, h .. '\n' .. prio)
end
return {'ok'}
`)

// ARGV: P, worker, stats json, token. The worker leaves: what it holds goes
// back, its counts stay. Returns {"ok", live workers, items left, worker " "
// token, stats, ...}: the counts of every process of the run, those of
// processes that died as they were at their last renewal. The last worker of a
// finished run clears the run's queue keys.
var leaveScript = script(`
local w = ARGV[2]
if not lost() then
  reclaim(w, 0)
  reap(0)
end
redis.call('HSET', P .. 'stats', w .. ' ' .. ARGV[4], ARGV[3])
redis.call('HDEL', P .. 'info', w)
local live = redis.call('ZCARD', P .. 'workers')
local left = redis.call('HLEN', P .. 'items')
local out = {'ok', tostring(live), tostring(left)}
local all = redis.call('HGETALL', P .. 'stats')
for i = 1, #all do table.insert(out, all[i]) end
if live == 0 and left == 0 then
  redis.call('DEL', P .. 'items', P .. 'seen', P .. 'seq', P .. 'ready', P .. 'sleeping', P .. 'next', P .. 'holder',
    P .. 'blocked', P .. 'failures', P .. 'challenges', P .. 'good', P .. 'spent', P .. 'fetched', P .. 'tries', P .. 'workers', P .. 'info', P .. 'active', P .. 'did')
  redis.call('EXPIRE', P .. 'stats', 30 * 86400)
  redis.call('EXPIRE', P .. 'seeded', 30 * 86400)
end
return out
`)
