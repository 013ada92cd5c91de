-- wrk script like search.lua, but no request repeats within a run of a few
-- thousand requests (each query walks through its result pages), so that every
-- search reaches the index rather than the server's cache of recent results.
--   wrk -t2 -c32 -d30s --latency -s web/internal/loadgen/search-uncached.lua http://127.0.0.1:8091
local paths = {
  "/api/search?q=%E8%A1%8C%E6%94%BF%E5%A4%8D%E8%AE%AE",
  "/api/search?q=%E4%B8%8D%E4%BA%88%E5%85%AC%E5%BC%80&year=2022",
  "/api/search?q=%22%E4%BE%9D%E7%94%B3%E8%AF%B7%E5%85%AC%E5%BC%80%22&region=%E6%A8%A1%E6%8B%9F%E7%9C%81%E7%AC%AC3%E5%B8%82",
  "/api/search?q=%E4%BF%A1%E8%AE%BF+OR+%E8%AF%89%E8%AE%BC&sort=date",
  "/api/search?q=%E6%94%BF%E5%8A%A1%E5%85%AC%E5%BC%80&failed=1",
  "/api/search?department=%E6%95%99%E8%82%B2%E5%B1%80&year=2021-2023",
}
local threads, n = 0, 0
setup = function(thread)
  thread:set("id", threads)
  threads = threads + 1
end
request = function()
  n = n + 1
  -- Thread 0 asks for the odd pages, thread 1 for the even ones.
  local page = math.floor(n / #paths) * 2 + id + 1
  return wrk.format("GET", paths[n % #paths + 1] .. "&page=" .. page)
end
