-- wrk script for the load test of /api/search (BENCHMARKS.md): each request takes
-- the next of a few searches people make, phrases with and without filters.
--   wrk -t2 -c32 -d30s --latency -s web/internal/loadgen/search.lua http://127.0.0.1:8091
local paths = {
  "/api/search?q=%E8%A1%8C%E6%94%BF%E5%A4%8D%E8%AE%AE",                                  -- 行政复议
  "/api/search?q=%E4%B8%8D%E4%BA%88%E5%85%AC%E5%BC%80&year=2022",                         -- 不予公开, 2022
  "/api/search?q=%22%E4%BE%9D%E7%94%B3%E8%AF%B7%E5%85%AC%E5%BC%80%22&region=%E6%A8%A1%E6%8B%9F%E7%9C%81%E7%AC%AC3%E5%B8%82", -- "依申请公开" in 模拟省第3市
  "/api/search?q=%E4%BF%A1%E8%AE%BF+OR+%E8%AF%89%E8%AE%BC&sort=date",                      -- 信访 OR 诉讼, newest first
  "/api/search?q=%E6%94%BF%E5%8A%A1%E5%85%AC%E5%BC%80&failed=1&page=2",                    -- 政务公开, failed checks, page 2
  "/api/search?department=%E6%95%99%E8%82%B2%E5%B1%80&year=2021-2023",                     -- 教育局, 2021–2023, no words
}
local i = 0
request = function()
  i = i % #paths + 1
  return wrk.format("GET", paths[i])
end
