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
	if len(cfg.Portals) != 1 || cfg.Portals[0].Domains()[0] != "www.tianyuan.gov.cn" {
		t.Errorf("portals: %+v", cfg.Portals)
	}
}

func TestErrorsNameTheKey(t *testing.T) {
	cases := map[string]string{
		"[crawl]\ndelay = \"soon\"\n":                             "crawl.delay",
		"[crawl]\nparalelism = 3\n":                               "unknown key crawl.paralelism",
		"[crawl]\nparallelism = 0\n":                              "crawl.parallelism",
		"[crawl]\nschedule = \"every night\"\n":                   "crawl.schedule",
		"[storage]\ndata = \"\"\n":                                "storage.data",
		"[[portals]]\nname = \"a\"\n":                             "portals[0] (a).start_urls",
		"[[portals]]\nname = \"a\"\nstart_urls = [\"ftp://x\"]\n": "portals[0] (a).start_urls",
		"[[portals]]\nname = \"a\"\nstart_urls = [\"http://x/\"]\nlist_patterns = [\"(\"]\n": "portals[0] (a).list_patterns",
		"[crawl\n": "line 2: expected",
	}
	for content, want := range cases {
		_, err := Load(write(t, content))
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: error %v, want one naming %q", content, err, want)
		}
	}
}

func TestDomainsDefaultToStartHosts(t *testing.T) {
	p := Portal{StartURLs: []string{"http://a.gov.cn/x/", "http://a.gov.cn/y/", "http://127.0.0.1:8080/"}}
	if got := strings.Join(p.Domains(), " "); got != "a.gov.cn 127.0.0.1:8080" {
		t.Errorf("domains %q", got)
	}
}
