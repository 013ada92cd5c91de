// Package testsite serves, on loopback only, simulated government portals that
// publish annual government information disclosure reports (政府信息公开工作年度报告):
// the test double of the real web that the crawler's tests, the end-to-end and
// search-quality tests and the demo run against. Every report's figures are known
// (Truth), so a test can check that crawl → parse → store yields exactly them:
// nothing less, and nothing more (LookAlikes must not become reports).
//
// # Use
//
//	site := testsite.New(seed)        // or NewWithOptions, NewSized for ~10,000 pages
//	run, err := site.Start()          // one 127.0.0.1 listener per portal
//	defer run.Close()
//	crawl(run.StartURLs())            // the in-scope portals' home pages
//	want := site.Truth()              // reports with URLs, metadata and figures
//	site.SetNight(2)                  // edits, removals, new reports; Truth follows
//
// Start gives every portal its own host (127.0.0.1:port), so per-host politeness,
// robots.txt and allowed domains can be tested; StartAt(basePort) fixes the ports
// so that a restarted site serves the same bytes at the same URLs (crash and
// resume, crawl.md §5 case 32). Handler(base) serves all portals on one listener
// under /NAME/ with an index at /, for `gongkai testsite --addr`. Pages are
// rendered per request for the night and the URLs of the running mode; Truth,
// LookAlikes, Specials and Portals use the URLs of the latest Start or Handler.
// Running.Requests logs every request (status, conditional headers) for tests of
// politeness and incremental re-crawls.
//
// Everything is generated from the seed with math/rand/v2's PCG: the same seed
// gives the same site, byte for byte. The seed changes figures, dates, document
// ids, title variants and zero markers; which portal shows which behaviour is
// fixed, so every seed covers every case. The default site has six portals, about
// 125 reports and 270 resources, and starts in a few milliseconds.
//
// # Portals (NAME, CMS, shapes)
//
// tianyuan — 株洲市天元区人民政府 (430211), TRS WCM. Year folders
// /zwgk/zfxxgknb/2022/ with no entries and sub-columns 2022bjnb/ (本级),
// 2022bmdnbg/ (部门), 2022xzjdnb/ (乡镇街道) linked relative to <base href>;
// articles …/202301/t20230118_4390063.html with attachments ./P0….pdf and .docx
// beside them; department columns /bmxxgk/czj/zfxxgkndbg/; 部门年报汇总
// /zwgk/zfxxgknb/bmnb/list.shtml (B pager); 通知公告 /zwgk/tzgg/ (A pager).
// robots.txt: Disallow /module/ and Crawl-delay (Options.CrawlDelay). ETag and
// Last-Modified with 304; gzip when accepted.
//
// tianyuan-jyj — 株洲市天元区教育局, the district's department sub-site on its own
// host: /zwgk/ndbg/ (A pager), GBK pages. robots.txt answers 503 once, then allows
// all. Last-Modified only, 304 on If-Modified-Since.
//
// xiongxian — 雄县人民政府 (130638), Hanweb JCMS. Columns /col/col4521/index.html,
// articles /art/2023/1/18/art_4521_4390736.html, attachments
// /module/download/downfile.jsp?classid=0&filename=<hex>.pdf&showname=<URL-encoded
// 中文>.pdf and /attach/0/<hex>.docx|.xls|.wps. No robots.txt (404). Fixed
// Last-Modified, conditional headers ignored.
//
// yushe — 榆社县人民政府 (140721), legacy static pages in GBK, reports 2016–2021.
// List /zwgk/年报/index.htm (linked percent-encoded), entries relative to
// <base href=…/zwgk/nb/>, articles /zwgk/nb/201903/t20190325_4391533.htm.
// robots.txt answers the HTML home page. Last-Modified is the time of each request.
//
// qingxin — 清远市清新区人民政府 (441803), behind anti-crawler defences. List
// /zwgk/zfxxgknb/ (A pager), articles /zwgk/zfxxgknb/content/post_4382553.html.
// robots.txt behind a 412 challenge. ETag only.
//
// mirror — an SEO spam domain (out of scope) cloning a district report at
// /llxxgk/zfxxgk/zfxxgknb/202111/t20211116_1585279.html, linked from yushe's footer.
//
// # Cases of crawl.md §5 and where they are (Specials lists every URL)
//
//   - 1 GBK with charset only in <meta http-equiv> (gb2312), <meta charset="gb2312">,
//     content="charset=gbk": yushe articles; GBK declared in the header: tianyuan-jyj.
//   - 2 header charset=gb2312, body with 镕 and 堃 (GBK only): tianyuan-jyj 2021 report.
//   - 3 GBK bytes served as utf-8: tianyuan-jyj 2022 report; UTF-8 with BOM and a
//     header without charset: tianyuan township reports; stray invalid bytes:
//     qingxin 2022 report.
//   - 4 PDF as application/octet-stream (tianyuan, tianyuan-jyj), DOC and WPS as
//     octet-stream and XLS as text/html without charset (xiongxian), DOCX as
//     text/html without charset (tianyuan-jyj).
//   - 6 gzip (tianyuan), gzip header with plain body (xiongxian /col/col4522/),
//     zlib deflate (yushe /), raw deflate (yushe list). No Range support.
//   - 7 downfile.jsp showname and Content-Disposition with RFC 5987 filename* (xiongxian,
//     tianyuan-jyj).
//   - 8 301→302 chain /xxgk/nb.html, self-redirect /zwgk/rss/, meta refresh /xxgk/,
//     meta refresh to the department's new host /bmxxgk/jyj/ (tianyuan);
//     window.location /zwgk/nb/2019nb.htm (yushe); folders without their slash 301.
//   - 10 robots.txt: Disallow + Crawl-delay (tianyuan), 503 once (tianyuan-jyj),
//     404 (xiongxian), HTML 200 (yushe), 412 challenge (qingxin).
//   - 11 429 with Retry-After seconds on the first request of qingxin's list page 2,
//     503 with an HTTP-date Retry-After on the first request of a report, a slow
//     report (Options.SlowDelay), a DOCX whose first download is reset mid-body.
//   - 12 瑞数-like 412 with $_ts (/hdjl/), 加速乐-like 521 with X-Via-JSL (/zmhd/),
//     200 访问异常 block page (/search/), soft 404 at 200 (qingxin).
//   - 14 createPageHTML(n, k, "index", "html"), links only in the script: tianyuan
//     year columns and 通知公告, tianyuan-jyj, qingxin.
//   - 15 createPageHTML('page_div', n, k, 'list', 'shtml', total): tianyuan 部门年报汇总.
//   - 19 aggregator columns without entries and year sub-folders: tianyuan.
//   - 20 a report linked only from 通知公告 (tianyuan 退役军人事务局 2023); the
//     education bureau's reports on another host, listed by the district.
//   - 21 onclick window.open with ./ links (tianyuan 本级 columns of even years,
//     xiongxian 部门年报), href="javascript:void(0)", <base href> (tianyuan year
//     folders, yushe), ./P0….pdf, ../ and a percent-encoded Chinese path (yushe),
//     upper-case .PDF (yushe).
//   - 22 truncated list titles with the title attribute (部门年报汇总, qingxin) and
//     one without it (tianyuan 住房和城乡建设局 2022).
//   - 23 department reports of 人民政府办公室 and 财政局 under two URLs (department
//     column and year column); the government's 2019 report re-published in 2021
//     under a new tYYYYMMDD URL, its old URL still live (listed in 通知公告).
//   - 24 / and /index.html, /dir/ and /dir/index.html, fragments, ?from=timeline.
//   - 25 ETag+Last-Modified with 304 (tianyuan), Last-Modified only (tianyuan-jyj),
//     ETag only (qingxin), conditional headers ignored (xiongxian), Last-Modified
//     changing on every request with identical bytes (yushe).
//   - 26 on night 2 财政局's 2023 report (tianyuan) is corrected (更正) with new
//     figures; qingxin removes two reports: one answers 404 on night 2 and 410 from
//     night 3, the other 410.
//   - 27 on night 2 应急管理局's 2025 report appears only on a later page of
//     部门年报汇总, which is ordered by 排序号; other 2025 reports appear too.
//   - 28 title variants of crawl.md §4.4 (年度, no 工作, no 年度, year first,
//     二〇二二), a 2021 report in the 2019 format (tianyuan 卫生健康局, yushe), and
//     look-alikes: 政府信息公开指南, 2023年政务公开工作要点, 关于报送…年度报告的通知,
//     年度工作总结, 部门预算公开, a report's 解读 listed in the report column.
//   - 31 the spam mirror (out of scope).
//   - 32 a few hundred resources (NewSized for thousands), deterministic serving.
//
// # Reports
//
// Formats follow the years (legacy to 2018, 2019 format for 2019–2020, 2021 format
// after) but for the late adopters. Tables are laid out as the official formats
// print them (rowspan/colspan grids, labels as printed) in the styles named by
// Expected.Style: trs-grid, word-export (MsoNormal spans, <o:p>, &nbsp;),
// hanweb-split (table 3 split over two tables with repeated headers, inside layout
// tables), cell-per-line and whitespace-rows (no tables), legacy (free text and an
// old statistics table) and attachment-only (详见附件). Zeros print as 0, blank,
// "/", "—" or 无; some township reports print every cell blank. Three reports
// are deliberately wrong (a row total, a balance, a table 4 total): FailedChecks
// names the rules they fail. Attachments: DOCX files hold the report and its
// tables (WordprocessingML); PDF, DOC, WPS and XLS files are placeholders with the
// right magic bytes, so only File.Figures files can yield figures.
package testsite
