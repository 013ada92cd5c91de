package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func write(t *testing.T, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "config.toml")
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestExampleConfigLoads(t *testing.T) {
	cfg, err := Load(filepath.Join("..", "config.example.toml"))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Crawl.Delay.Duration != 2*time.Second || !cfg.Crawl.ObeyRobots || cfg.Serve.MinRequests != 10 {
		t.Errorf("example differs from the defaults it documents: %+v", cfg.Crawl)
	}
	if len(cfg.Portals) != 5 || cfg.Portals[0].Domains()[0] != "www.tianyuan.gov.cn" {
		t.Errorf("portals: %+v", cfg.Portals)
	}
}

// refused loads each file (the key of cases) and wants an error that holds the
// text given for it.
func refused(t *testing.T, cases map[string]string) {
	t.Helper()
	for content, want := range cases {
		_, err := Load(write(t, content))
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: error %v, want one naming %q", content, err, want)
		}
	}
}

func TestErrorsNameTheKey(t *testing.T) {
	cases := map[string]string{
		"[crawl]\ndelay = \"soon\"\n":                                                        "crawl.delay",
		"[crawl]\nparalelism = 3\n":                                                          "unknown key crawl.paralelism",
		"[crawl]\nparallelism = 0\n":                                                         "crawl.parallelism",
		"[crawl]\nschedule = \"every night\"\n":                                              "crawl.schedule",
		"[crawl]\nrender = \"always\"\n":                                                     "crawl.render",
		"[crawl]\nrender_timeout = \"100ms\"\n":                                              "crawl.render_timeout",
		"[storage]\ndata = \"\"\n":                                                           "storage.data",
		"[storage]\ndatabase = \"archive.db\"\n":                                             "storage.database",
		"[[portals]]\nname = \"a\"\n":                                                        "portals[0] (a).start_urls",
		"[[portals]]\nname = \"a\"\nstart_urls = [\"ftp://x\"]\n":                            "portals[0] (a).start_urls",
		"[[portals]]\nname = \"a\"\nstart_urls = [\"http://x/\"]\nlist_patterns = [\"(\"]\n": "portals[0] (a).list_patterns",
		"[crawl\n": "line 2: expected",
	}
	refused(t, cases)
}

func TestDomainsDefaultToStartHosts(t *testing.T) {
	p := Portal{StartURLs: []string{"http://a.gov.cn/x/", "http://a.gov.cn/y/", "http://127.0.0.1:8080/"}}
	if got := strings.Join(p.Domains(), " "); got != "a.gov.cn 127.0.0.1:8080" {
		t.Errorf("domains %q", got)
	}
}

// Values that parse but cannot work are refused with the key that holds them,
// rather than a crawl that fetches nothing or times out every request.
func TestValuesThatCannotWork(t *testing.T) {
	portal := "[[portals]]\nname = \"天元区\"\nstart_urls = [\"http://www.tianyuan.gov.cn/zfxxgknb/\"]\n"
	cases := map[string]string{
		portal + "allowed_domains = [\"\"]\n":                            "portals[0] (天元区).allowed_domains",
		portal + "allowed_domains = [\" \"]\n":                           "portals[0] (天元区).allowed_domains",
		portal + "allowed_domains = [\"http://www.tianyuan.gov.cn/\"]\n": "portals[0] (天元区).allowed_domains",
		portal + "allowed_domains = [\"*.tianyuan.gov.cn\"]\n":           "portals[0] (天元区).allowed_domains",
		portal + "allowed_domains = [\"zhuzhou.gov.cn\"]\n":              "portals[0] (天元区).start_urls: \"http://www.tianyuan.gov.cn/zfxxgknb/\" is outside allowed_domains",
		portal + "list_patterns = [\"\"]\n":                              "portals[0] (天元区).list_patterns",
		portal + "region = \"湖南省株洲市天园区\"\n":                              "portals[0].region (portal 天元区): \"湖南省株洲市天园区\" names no place",
		portal + "region = \"株洲市天元区人民政府\"\n":                             "(\"株洲市天元区\" is 湖南省株洲市天元区, code 430211; \"人民政府\" is not a place)",
		portal + "region = \"430299\"\n":                                 "portals[0].region (portal 天元区): \"430299\" names no place",
		"[crawl]\ntimeout = \"1ns\"\n":                                   "crawl.timeout: 1ns is too short",
		"[crawl]\nconnect_timeout = \"10ms\"\n":                          "crawl.connect_timeout",
		"[crawl]\nheader_timeout = \"0s\"\n":                             "crawl.header_timeout",
		"[crawl]\ntimeout = \"-5s\"\n":                                   "crawl.timeout",
		"[crawl]\nmax_page_bytes = 100\n":                                "crawl.max_page_bytes",
		"[crawl]\nmax_attachment_bytes = 1\n":                            "crawl.max_attachment_bytes",
		"[crawl]\nuser_agent = \"gongkai\\r\\nX-Injected: 1\"\n":         "crawl.user_agent",
		"[serve]\naddr = \"8080\"\n":                                     "serve.addr",
		"[crawl]\nmin_body_rate = -1\n":                                  "crawl.min_body_rate: -1",
		"[crawl]\nmin_body_rate = 1000000\n":                             "crawl.min_body_rate: 1000000 bytes a second would abandon",
		"[crawl]\nmax_host_time = \"30s\"\n":                             "crawl.max_host_time: 30s is shorter than one request's timeout (2m0s)",
	}
	refused(t, cases)
	// What does work still loads: a domain that covers the start URL's host, a
	// host with a port, and the shortest timeouts allowed.
	for _, content := range []string{
		portal + "allowed_domains = [\"tianyuan.gov.cn\", \"zhuzhou.gov.cn\"]\n",
		portal + "allowed_domains = [\"WWW.Tianyuan.gov.cn\"]\n",
		"[[portals]]\nname = \"test\"\nstart_urls = [\"http://127.0.0.1:8080/\"]\nallowed_domains = [\"127.0.0.1:8080\"]\n",
		"[crawl]\ntimeout = \"1s\"\nconnect_timeout = \"1s\"\nheader_timeout = \"1s\"\nmax_page_bytes = 65536\n",
		"[serve]\naddr = \":8080\"\n",
		"[crawl]\nmin_body_rate = 0\nmax_host_time = \"2m\"\n",
		portal + "region = \"湖南省株洲市天元区\"\n", portal + "region = \"雄县米家务镇\"\n", portal + "region = \"430211\"\n",
	} {
		if _, err := Load(write(t, content)); err != nil {
			t.Errorf("%q: %v", content, err)
		}
	}
}

// A list API block's mistakes are named by their key, within the portal.
func TestListAPIErrorsNameTheKey(t *testing.T) {
	portal := "[[portals]]\nname = \"苏州\"\nstart_urls = [\"http://www.suzhou.gov.cn/\"]\n[[portals.api]]\n"
	ok := "url = \"http://www.suzhou.gov.cn/szinf/info/getInfoCommon/?currpage={page}\"\nitems = \"infolist\"\n"
	if _, err := Load(write(t, portal+ok)); err != nil {
		t.Fatalf("a good block: %v", err)
	}
	refused(t, map[string]string{
		portal + "url = \"http://www.suzhou.gov.cn/x?p={page}\"\n":                               "portals[0] (苏州).api[0].items",
		portal + ok + "itmes = \"x\"\n":                                                          "unknown key portals.api.itmes",
		portal + ok + "title = \"data..title\"\n":                                                "portals[0] (苏州).api[0].title",
		portal + ok + "method = \"PUT\"\n":                                                       "portals[0] (苏州).api[0].method",
		portal + "url = \"http://api.example.com/list?p={page}\"\nitems = \"x\"\n":               "portals[0] (苏州).api[0].url: \"http://api.example.com/list?p={page}\" is outside",
		portal + "url = \"http://www.suzhou.gov.cn/list\"\nitems = \"x\"\n":                      "every request would ask for the same page",
		portal + "url = \"http://www.suzhou.gov.cn/list?p={pg}\"\nitems = \"x\"\n":               "{pg} is not a placeholder",
		portal + ok + "body = \"pageIndex={page}\"\n":                                            "portals[0] (苏州).api[0].body: a GET sends no body",
		portal + ok + "method = \"POST\"\nbody_type = \"json\"\nbody = '{\"pageNo\":{page},}'\n": "portals[0] (苏州).api[0].body: with body_type = \"json\"",
		portal + ok + "first_page = 2\n":                                                         "portals[0] (苏州).api[0].first_page",
		portal + "url = \"http://www.suzhou.gov.cn/list?start={start}\"\nitems = \"x\"\n":        "portals[0] (苏州).api[0].page_size",
		portal + ok + "headers = { \"Bad Name\" = \"x\" }\n":                                     "portals[0] (苏州).api[0].headers",
		portal + ok + "referer = \"/zwgk/\"\n":                                                   "portals[0] (苏州).api[0].referer",
	})
}

// The example configuration's list APIs load as the crawler takes them.
func TestExampleListAPIs(t *testing.T) {
	cfg, err := Load(filepath.Join("..", "config.example.toml"))
	if err != nil {
		t.Fatal(err)
	}
	var apis int
	for _, p := range cfg.Portals {
		for _, a := range p.CrawlAPIs() {
			apis++
			if a.Referer == "" || a.Items == "" || (a.Method != "GET" && a.Method != "POST") {
				t.Errorf("%s: %+v", p.Name, a)
			}
		}
	}
	if apis < 5 {
		t.Errorf("the example documents %d list APIs; it shows the five real shapes of portals.md §1.5", apis)
	}
}

// TestAllowedDomainCoversEveryPort: a start URL on a port (portals serve columns
// on :8080) is within a domain named without one.
func TestAllowedDomainCoversEveryPort(t *testing.T) {
	p := Portal{AllowedDomains: []string{"zz.gov.cn"}}
	if !p.covers("xxgk.zz.gov.cn:8080") || p.covers("zz.gov.cn.evil.com") {
		t.Error("allowed_domains zz.gov.cn: want xxgk.zz.gov.cn:8080 covered and zz.gov.cn.evil.com not")
	}
}
