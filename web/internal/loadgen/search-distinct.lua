-- wrk script for the load test of /api/search (BENCHMARKS.md) where no request
-- repeats (within 477 million), so that every search reaches the index
-- rather than the server's cache of recent results: words people search for,
-- each with a different mix of filters (none, a year or years, a city or a
-- district, a department, failed checks), sort order and page (1 to 3).
--   wrk -t2 -c32 -d30s --latency -s web/internal/loadgen/search-distinct.lua http://127.0.0.1:8091
local words = {
  "行政复议", "不予公开", "\"依申请公开\"", "信访 OR 诉讼", "政务公开", "政府信息公开",
  "本机关不掌握相关政府信息", "复议", "行政诉讼", "国家秘密", "主动公开", "政策解读",
  "内部事务信息", "法定期限", "信息发布", "-诉讼", "业务培训", "答复",
  "归档流程", "三审", "工作要点", "2023年度", "应急管理局", "教育局", "",
}
-- A second word narrows the first (or stands alone after ""), 40 of them.
local second = {
  "", "审核", "纠正", "维持", "第3区", "第12区", "2021年", "2022年", "财政局", "民政局",
  "公安局", "信访", "-复议", "政府", "登记", "培训", "落实", "严格", "制度", "流程",
  "加强", "丰富", "形式", "要点", "情况", "良好", "期限", "办理", "归档", "发布",
  "解读", "事务", "内部", "三类", "主动", "行政", "诉讼", "信息", "公开", "工作",
}
local years = { "2019", "2020", "2021", "2022", "2023", "2024", "2025", "2019-2021", "2022-2025", "2020-2023" }
local departments = {
  "教育局", "财政局", "公安局", "民政局", "司法局", "水利局", "商务局", "人民政府",
  "卫生健康局", "自然资源局", "生态环境局", "交通运输局", "应急管理局",
}

local function enc(s)
  return (s:gsub("[^%w%-%.]", function(c) return string.format("%%%02X", string.byte(c)) end))
end

-- Encoded once here, so that wrk's requests cost it little of the two cores.
local function encAll(list)
  local out = {}
  for i, v in ipairs(list) do out[i] = enc(v) end
  return out
end
words, second, departments = encAll(words), encAll(second), encAll(departments)
local space = enc(" ")
local regions = {} -- name → encoded, as they come

-- words × second × shapes × sorts × pages × cities × districts × years × departments
local combinations = 25 * 40 * 6 * 2 * 3 * 17 * 6 * 10 * 13

-- thread_id is set by setup in each thread's own state: not a local.
local n, threads = 0, 0
setup = function(thread)
  thread:set("thread_id", threads)
  threads = threads + 1
end

request = function()
  n = n + 1
  -- Thread 0 takes the even numbers, thread 1 the odd ones; each number is
  -- scattered over all the combinations (multiplied by a prime that shares no
  -- factor with their count, modulo it: no two numbers below it meet) and read
  -- as digits of mixed radix, one digit per choice.
  local i = (n * 2 + thread_id) * 1000003 % combinations
  local function pick(list)
    local v = list[i % #list + 1]
    i = math.floor(i / #list)
    return v
  end
  local q = pick(words)
  q = q .. space .. pick(second)
  local shape = pick({ "none", "year", "region", "department", "year+region", "failed+year" })
  local sort = pick({ "relevance", "date" })
  local page = pick({ 1, 2, 3 })
  local city = 1 + pick({ 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16 })
  local district = pick({ "", "第3区", "第7区", "第12区", "第1区", "第18区" })
  local year = pick(years)
  local dept = pick(departments)
  local path = "/api/search?q=" .. q .. "&sort=" .. sort .. "&page=" .. page
  if shape == "year" or shape == "year+region" or shape == "failed+year" then
    path = path .. "&year=" .. year
  end
  if shape == "region" or shape == "year+region" then
    local name = "模拟省第" .. city .. "市" .. district
    regions[name] = regions[name] or enc(name)
    path = path .. "&region=" .. regions[name]
  end
  if shape == "department" then
    path = path .. "&department=" .. dept
  end
  if shape == "failed+year" then
    path = path .. "&failed=1"
  end
  return wrk.format("GET", path)
end
