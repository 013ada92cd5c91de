// Command hostileportal serves portals that lie and attack, for runs of gongkai
// by hand and the reliability figures of BENCHMARKS.md: each under its own path,
// a list page /NAME/zfxxgk/ndbg/ linking the corpus's 平潭 2016 report at
// /NAME/zfxxgk/ndbg/2016.htm.
//
//	utf8-as-gbk   UTF-8 bytes, the header and <meta> say GBK (case 4)
//	gbk-as-utf8   GBK bytes, the header and <meta> say UTF-8 (case 4)
//	nested        600 <div>s never closed, in the list and the report (case 5)
//	bomb          the report is a gzip bomb: 10 MB inflating to 10 GiB (case 8)
//	redirect      the list also links loop.htm?n=0, which redirects to ?n=1, … for ever (case 1)
//	list          list.jsp?page=N lists the report and links 下一页 page=N+1&t=…, for ever (case 2)
//	trickle       the report sends its headers, then 18 bytes every 200 ms for ever (case 3)
//	large         the report is a PDF of --large-mb MB (1024), streamed (case 7)
//	challenge     the list links five reports a 瑞数 challenge guards before the real one (case 13)
//
// /requests says how many requests it answered.
package main

import (
	"bytes"
	"compress/gzip"
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"golang.org/x/text/encoding/simplifiedchinese"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:0", "")
	corpus := flag.String("corpus", "../shared/corpus/pingtan-2016-legacy.htm", "")
	bombGB := flag.Int("bomb-gb", 10, "GB the gzip bomb inflates to")
	largeMB := flag.Int64("large-mb", 1024, "MB of the large PDF")
	flag.Parse()
	page, err := os.ReadFile(*corpus)
	if err != nil {
		log.Fatal(err)
	}
	gbk, _ := simplifiedchinese.GB18030.NewEncoder().Bytes(page)
	// One gzip member of 1 GiB of zeros, repeated: a multi-member gzip file.
	var member bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&member, gzip.BestCompression)
	zeros := make([]byte, 1<<20)
	for i := 0; i < 1024; i++ {
		zw.Write(zeros)
	}
	zw.Close()
	bomb := bytes.Repeat(member.Bytes(), *bombGB)
	log.Printf("gzip bomb: %d bytes inflating to %d GiB", len(bomb), *bombGB)
	list := func(link string) string {
		return `<html><head><meta charset="gb2312"><title>政府信息公开年报</title></head><body><ul><li><a href="` + link + `">平潭综合实验区2016年度政府信息公开工作年度报告</a></li></ul></body></html>`
	}
	var requests atomic.Int64
	mux := http.NewServeMux()
	serve := func(path, ctype string, body []byte, enc string) {
		mux.HandleFunc(path, func(w http.ResponseWriter, r *http.Request) {
			requests.Add(1)
			w.Header().Set("Content-Type", ctype)
			if enc != "" {
				w.Header().Set("Content-Encoding", enc)
			}
			w.Write(body)
		})
	}
	// case 4: UTF-8 served as GBK (header and <meta>); GBK served as UTF-8.
	serve("/utf8-as-gbk/zfxxgk/ndbg/", "text/html; charset=gbk", []byte(list("/utf8-as-gbk/zfxxgk/ndbg/2016.htm")), "")
	serve("/utf8-as-gbk/zfxxgk/ndbg/2016.htm", "text/html; charset=GBK", []byte(strings.Replace(string(page), `<meta charset="utf-8"`, `<meta charset="gb2312"`, 1)), "")
	gbkList, _ := simplifiedchinese.GB18030.NewEncoder().Bytes([]byte(strings.Replace(list("/gbk-as-utf8/zfxxgk/ndbg/2016.htm"), "gb2312", "utf-8", 1)))
	serve("/gbk-as-utf8/zfxxgk/ndbg/", "text/html; charset=utf-8", gbkList, "")
	serve("/gbk-as-utf8/zfxxgk/ndbg/2016.htm", "text/html; charset=utf-8", gbk, "")
	// case 5: 600 <div>s never closed, in the list and in the report.
	deep := strings.Repeat(`<div class="TRS_Editor">`, 600)
	serve("/nested/zfxxgk/ndbg/", "text/html; charset=utf-8", []byte(strings.Replace(list("/nested/zfxxgk/ndbg/2016.htm"), "<body>", "<body>"+deep, 1)), "")
	serve("/nested/zfxxgk/ndbg/2016.htm", "text/html; charset=utf-8", []byte(strings.Replace(string(page), "<body>", "<body>"+deep, 1)), "")
	// case 8: a report page that is a gzip bomb.
	serve("/bomb/zfxxgk/ndbg/", "text/html; charset=utf-8", []byte(strings.Replace(list("/bomb/zfxxgk/ndbg/2016.htm"), "gb2312", "utf-8", 1)), "")
	serve("/bomb/zfxxgk/ndbg/2016.htm", "text/html; charset=utf-8", bomb, "gzip")
	// case 1: an endless redirect chain beside the report.
	serve("/redirect/zfxxgk/ndbg/", "text/html; charset=utf-8", []byte(strings.NewReplacer("gb2312", "utf-8",
		"</ul>", `<li><a href="/redirect/zfxxgk/ndbg/loop.htm?n=0">平潭综合实验区2017年度政府信息公开工作年度报告</a></li></ul>`).Replace(list("/redirect/zfxxgk/ndbg/2016.htm"))), "")
	serve("/redirect/zfxxgk/ndbg/2016.htm", "text/html; charset=utf-8", page, "")
	mux.HandleFunc("/redirect/zfxxgk/ndbg/loop.htm", func(w http.ResponseWriter, r *http.Request) {
		requests.Add(1)
		n, _ := strconv.Atoi(r.URL.Query().Get("n"))
		http.Redirect(w, r, fmt.Sprintf("/redirect/zfxxgk/ndbg/loop.htm?n=%d", n+1), http.StatusFound)
	})
	// case 2: a list that pages on for ever, listing the same report.
	mux.HandleFunc("/list/zfxxgk/ndbg/list.jsp", func(w http.ResponseWriter, r *http.Request) {
		requests.Add(1)
		n, _ := strconv.Atoi(r.URL.Query().Get("page"))
		n = max(n, 1)
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, strings.NewReplacer("gb2312", "utf-8", "</ul>", fmt.Sprintf(`</ul><div class="page">每页1条 <a href="list.jsp?page=1&t=%d">首页</a> <a href="list.jsp?page=%d&t=%d">上一页</a> <a href="list.jsp?page=%d&t=%d">下一页</a></div>`,
			n, max(n-1, 1), 7*n, n+1, 13*n)).Replace(list("/list/zfxxgk/ndbg/2016.htm")))
	})
	serve("/list/zfxxgk/ndbg/2016.htm", "text/html; charset=utf-8", page, "")
	// case 3: a report that trickles.
	serve("/trickle/zfxxgk/ndbg/", "text/html; charset=utf-8", []byte(strings.Replace(list("/trickle/zfxxgk/ndbg/2016.htm"), "gb2312", "utf-8", 1)), "")
	mux.HandleFunc("/trickle/zfxxgk/ndbg/2016.htm", func(w http.ResponseWriter, r *http.Request) {
		requests.Add(1)
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		for {
			if _, err := w.Write([]byte("<p>年度报告</p>")); err != nil {
				return
			}
			w.(http.Flusher).Flush()
			select {
			case <-r.Context().Done():
				return
			case <-time.After(200 * time.Millisecond):
			}
		}
	})
	// case 7: a large PDF, written as it is sent (a PDF header, then spaces).
	serve("/large/zfxxgk/ndbg/", "text/html; charset=utf-8", []byte(strings.Replace(list("/large/zfxxgk/ndbg/2016.pdf"), "gb2312", "utf-8", 1)), "")
	mux.HandleFunc("/large/zfxxgk/ndbg/2016.pdf", func(w http.ResponseWriter, r *http.Request) {
		requests.Add(1)
		w.Header().Set("Content-Type", "application/pdf")
		w.Header().Set("Content-Length", strconv.FormatInt(*largeMB<<20, 10))
		chunk := bytes.Repeat([]byte(" "), 1<<20)
		copy(chunk, "%PDF-1.4\n")
		for i := int64(0); i < *largeMB; i++ {
			if _, err := w.Write(chunk); err != nil {
				return
			}
			chunk = bytes.Repeat([]byte(" "), 1<<20)
		}
	})
	// case 13: five guarded reports listed before the real one.
	var guarded strings.Builder
	for i := range 5 {
		fmt.Fprintf(&guarded, `<li><a href="/challenge/zfxxgk/ndbg/guarded%d.htm">平潭综合实验区第%d局2016年度政府信息公开工作年度报告</a></li>`, i, i+1)
	}
	serve("/challenge/zfxxgk/ndbg/", "text/html; charset=utf-8", []byte(strings.NewReplacer("gb2312", "utf-8", "<ul>", "<ul>"+guarded.String()).Replace(list("/challenge/zfxxgk/ndbg/2016.htm"))), "")
	serve("/challenge/zfxxgk/ndbg/2016.htm", "text/html; charset=utf-8", page, "")
	for i := range 5 {
		mux.HandleFunc(fmt.Sprintf("/challenge/zfxxgk/ndbg/guarded%d.htm", i), func(w http.ResponseWriter, r *http.Request) {
			requests.Add(1)
			w.WriteHeader(http.StatusPreconditionFailed)
			fmt.Fprint(w, `<html><head><script>$_ts=window['$_ts'];if(!$_ts)$_ts={};$_ts.nsd=84722;</script></head><body></body></html>`)
		})
	}
	mux.HandleFunc("/requests", func(w http.ResponseWriter, r *http.Request) { fmt.Fprintln(w, requests.Load()) })
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatal(err)
	}
	log.Printf("hostile portal on http://%s/", ln.Addr())
	log.Fatal(http.Serve(ln, mux))
}
