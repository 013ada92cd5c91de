// Package config reads gongkai's configuration file (TOML; see
// config.example.toml at the repository root). Unknown keys and bad values are
// errors that name the key, so a typo never silently falls back to a default.
package config

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"

	"gongkai/internal/hostmatch"
	"gongkai/report"

	"github.com/BurntSushi/toml"
	"github.com/robfig/cron/v3"
)

// Config is the whole file.
type Config struct {
	Storage Storage  `toml:"storage"`
	Crawl   Crawl    `toml:"crawl"`
	Serve   Serve    `toml:"serve"`
	Portals []Portal `toml:"portals"`
}

// Storage says where the data folder is and, for an archive shared by several
// machines, the PostgreSQL database that holds its records.
type Storage struct {
	Data string `toml:"data"`
	// Database is a PostgreSQL URL (postgres://user@host:port/dbname); empty
	// keeps the records in the data folder's SQLite file, gongkai.db.
	Database string `toml:"database"`
}

// Crawl holds the crawler's politeness and limits.
type Crawl struct {
	UserAgent         string   `toml:"user_agent"`
	Delay             Duration `toml:"delay"`
	Parallelism       int      `toml:"parallelism"`
	MaxDepth          int      `toml:"max_depth"`
	MaxPagesPerHost   int      `toml:"max_pages_per_host"`
	Timeout           Duration `toml:"timeout"`
	ConnectTimeout    Duration `toml:"connect_timeout"`
	HeaderTimeout     Duration `toml:"header_timeout"`
	ObeyRobots        bool     `toml:"obey_robots"`
	MaxCrawlDelay     Duration `toml:"max_crawl_delay"`
	MaxRetries        int      `toml:"max_retries"`
	FailureBudget     int      `toml:"failure_budget"`
	MaxPageBytes      int64    `toml:"max_page_bytes"`
	MaxAttachmentByte int64    `toml:"max_attachment_bytes"`
	// MinBodyRate is the least a body must bring, in bytes a second over
	// each 20 s (0: no minimum); MaxHostTime bounds one host's requests in a
	// run.
	MinBodyRate int64    `toml:"min_body_rate"`
	MaxHostTime Duration `toml:"max_host_time"`
	Schedule    string   `toml:"schedule"`
	// Render says whether a column that only its scripts fill is rendered in
	// headless Chromium: "auto" (when Chromium is installed) or "never".
	Render        string   `toml:"render"`
	RenderTimeout Duration `toml:"render_timeout"`
	Chromium      string   `toml:"chromium"`
	// Frontier, if set, is the Redis (redis://host:port/db) whose queue crawl
	// workers share: any number of crawl processes, on any machines, then work
	// on one run. Empty: the crawl keeps its queue in its own process.
	Frontier string `toml:"frontier"`
	// Worker names this crawl among the workers of a shared frontier (default:
	// the machine's host name); its WARC files carry the name.
	Worker string `toml:"worker"`
}

// Serve holds the web server's settings.
type Serve struct {
	Addr string `toml:"addr"`
	// MinRequests is the fewest requests (新收 + 上年结转) for which a rate is shown:
	// a rate over three requests says nothing about a department.
	MinRequests int `toml:"min_requests"`
}

// Portal is one government portal to crawl.
type Portal struct {
	Name           string   `toml:"name"`
	Region         string   `toml:"region"`
	StartURLs      []string `toml:"start_urls"`
	AllowedDomains []string `toml:"allowed_domains"`
	// ListPatterns are extra regular expressions for URLs of list pages on sites
	// whose report column the usual words and paths do not find.
	ListPatterns []string `toml:"list_patterns"`
	// APIs are the portal's own JSON list APIs, for columns whose list only an
	// endpoint of the portal gives ([[portals.api]]).
	APIs []ListAPI `toml:"api"`
}

// Duration is a time.Duration written as "1s", "500ms", "2m".
type Duration struct{ time.Duration }

func (d *Duration) UnmarshalText(b []byte) error {
	v, err := time.ParseDuration(string(b))
	if err != nil {
		return fmt.Errorf("%q is not a duration such as \"2s\" or \"500ms\"", b)
	}
	d.Duration = v
	return nil
}

func (d Duration) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// Default returns the settings used where the file says nothing.
func Default() *Config {
	return &Config{
		Storage: Storage{Data: "./data"},
		Crawl: Crawl{
			UserAgent:         "gongkai/0.1 (archive of 政府信息公开工作年度报告)",
			Delay:             Duration{2 * time.Second},
			Parallelism:       4,
			MaxDepth:          8,
			MaxPagesPerHost:   5000,
			Timeout:           Duration{120 * time.Second},
			ConnectTimeout:    Duration{15 * time.Second},
			HeaderTimeout:     Duration{30 * time.Second},
			ObeyRobots:        true,
			MaxCrawlDelay:     Duration{120 * time.Second},
			MaxRetries:        3,
			FailureBudget:     20,
			MaxPageBytes:      20 << 20,
			MaxAttachmentByte: 200 << 20,
			MinBodyRate:       1024,
			MaxHostTime:       Duration{2 * time.Hour},
			Render:            "auto",
			RenderTimeout:     Duration{30 * time.Second},
		},
		Serve: Serve{Addr: "127.0.0.1:8080", MinRequests: 10},
	}
}

// Load reads a configuration file over the defaults and validates it.
func Load(path string) (*Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return Parse(path, string(data))
}

// Parse reads a configuration, named path in its errors, over the defaults and
// validates it.
func Parse(path, data string) (*Config, error) {
	cfg := Default()
	md, err := toml.Decode(data, cfg)
	if err != nil {
		var perr toml.ParseError
		if errors.As(err, &perr) {
			where := fmt.Sprintf("line %d", perr.Position.Line)
			if perr.LastKey != "" {
				where += ", key " + perr.LastKey
			}
			return nil, fmt.Errorf("%s: %s: %s", path, where, perr.Message)
		}
		return nil, fmt.Errorf("%s: %v", path, err)
	}
	if undecoded := md.Undecoded(); len(undecoded) > 0 {
		keys := make([]string, len(undecoded))
		for i, k := range undecoded {
			keys[i] = k.String()
		}
		return nil, fmt.Errorf("%s: unknown key %s", path, strings.Join(keys, ", "))
	}
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return cfg, nil
}

// Validate checks every value and names the key of the first bad one.
func (c *Config) Validate() error {
	cr := c.Crawl
	switch {
	case strings.TrimSpace(c.Storage.Data) == "":
		return errors.New("storage.data: must name a folder")
	case c.Storage.Database != "" && !strings.HasPrefix(c.Storage.Database, "postgres://") && !strings.HasPrefix(c.Storage.Database, "postgresql://"):
		return errors.New("storage.database: must be a PostgreSQL URL (postgres://user@host:port/dbname), or be left out for the data folder's gongkai.db")
	case strings.TrimSpace(cr.UserAgent) == "":
		return errors.New("crawl.user_agent: must not be empty; portals' operators read it")
	case cr.Delay.Duration < 0:
		return errors.New("crawl.delay: must not be negative")
	case cr.Parallelism < 1:
		return errors.New("crawl.parallelism: must be at least 1")
	case cr.MaxDepth < 1:
		return errors.New("crawl.max_depth: must be at least 1")
	case cr.MaxPagesPerHost < 1:
		return errors.New("crawl.max_pages_per_host: must be at least 1")
	case strings.ContainsFunc(cr.UserAgent, unicode.IsControl):
		return errors.New("crawl.user_agent: must be one line without control characters; no request could carry it")
	case cr.MaxCrawlDelay.Duration < 0:
		return errors.New("crawl.max_crawl_delay: must not be negative")
	case cr.MaxRetries < 0:
		return errors.New("crawl.max_retries: must not be negative")
	case cr.FailureBudget < 1:
		return errors.New("crawl.failure_budget: must be at least 1")
	case cr.MaxPageBytes < minBodyBytes:
		return fmt.Errorf("crawl.max_page_bytes: %d is too small for any report page; give at least %d (64 KB)", cr.MaxPageBytes, minBodyBytes)
	case cr.MaxAttachmentByte < minBodyBytes:
		return fmt.Errorf("crawl.max_attachment_bytes: %d is too small for any report; give at least %d (64 KB)", cr.MaxAttachmentByte, minBodyBytes)
	case cr.Render != "auto" && cr.Render != "never":
		return fmt.Errorf("crawl.render: %q: write \"auto\" (render in Chromium when it is installed) or \"never\"", cr.Render)
	case cr.RenderTimeout.Duration < minTimeout:
		return fmt.Errorf("crawl.render_timeout: %s is too short for a page's scripts to run; give at least %s", cr.RenderTimeout.Duration, minTimeout)
	case cr.MinBodyRate < 0:
		return fmt.Errorf("crawl.min_body_rate: %d: give bytes a second (1024), or 0 for no minimum", cr.MinBodyRate)
	case cr.MinBodyRate > maxMinBodyRate:
		return fmt.Errorf("crawl.min_body_rate: %d bytes a second would abandon the pages of ordinary county servers; give at most %d (64 KB/s)", cr.MinBodyRate, maxMinBodyRate)
	case cr.MaxHostTime.Duration < cr.Timeout.Duration:
		return fmt.Errorf("crawl.max_host_time: %s is shorter than one request's timeout (%s): give at least that", cr.MaxHostTime.Duration, cr.Timeout.Duration)
	case c.Serve.MinRequests < 1:
		return errors.New("serve.min_requests: must be at least 1")
	}
	if err := CheckFrontier(cr.Frontier); err != nil {
		return fmt.Errorf("crawl.frontier: %w", err)
	}
	if err := CheckWorker(cr.Worker); err != nil {
		return fmt.Errorf("crawl.worker: %w", err)
	}
	for _, t := range []struct {
		key string
		d   time.Duration
	}{{"timeout", cr.Timeout.Duration}, {"connect_timeout", cr.ConnectTimeout.Duration}, {"header_timeout", cr.HeaderTimeout.Duration}} {
		if t.d < minTimeout {
			return fmt.Errorf("crawl.%s: %s is too short for any request to a portal to finish; give at least %s", t.key, t.d, minTimeout)
		}
	}
	if _, port, err := net.SplitHostPort(c.Serve.Addr); err != nil || port == "" {
		return fmt.Errorf("serve.addr: %q is not an address to listen on such as \"127.0.0.1:8080\"", c.Serve.Addr)
	}
	if cr.Schedule != "" {
		if _, err := ParseSchedule(cr.Schedule); err != nil {
			return fmt.Errorf("crawl.schedule: %v", err)
		}
	}
	names := map[string]bool{}
	for i, p := range c.Portals {
		key := fmt.Sprintf("portals[%d]", i)
		if strings.TrimSpace(p.Name) == "" {
			return fmt.Errorf("%s.name: must not be empty", key)
		}
		key = fmt.Sprintf("portals[%d] (%s)", i, p.Name)
		if names[p.Name] {
			return fmt.Errorf("%s.name: used by two portals", key)
		}
		names[p.Name] = true
		if len(p.StartURLs) == 0 {
			return fmt.Errorf("%s.start_urls: at least one URL is needed", key)
		}
		if p.Region != "" {
			if _, err := p.RegionCode(); err != nil {
				return fmt.Errorf("portals[%d].region (portal %s): %v", i, p.Name, err)
			}
		}
		for _, d := range p.AllowedDomains {
			if !hostName.MatchString(d) {
				return fmt.Errorf("%s.allowed_domains: %q is not a host name such as \"tianyuan.gov.cn\" (no scheme, path or wildcard)", key, d)
			}
		}
		for _, s := range p.StartURLs {
			u, err := url.Parse(s)
			if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
				return fmt.Errorf("%s.start_urls: %q is not an http(s) URL", key, s)
			}
			if len(p.AllowedDomains) > 0 && !p.covers(u.Host) {
				return fmt.Errorf("%s.start_urls: %q is outside allowed_domains %q: the crawl could not fetch it", key, s, p.AllowedDomains)
			}
		}
		for j, a := range p.APIs {
			if err := a.validate(fmt.Sprintf("%s.api[%d]", key, j), p); err != nil {
				return err
			}
		}
		for _, pat := range p.ListPatterns {
			if pat == "" {
				return fmt.Errorf("%s.list_patterns: an empty pattern matches every URL", key)
			}
			if _, err := regexp.Compile(pat); err != nil {
				return fmt.Errorf("%s.list_patterns: %v", key, err)
			}
		}
	}
	return nil
}

// Values below these cannot work: no portal answers in a nanosecond, and no
// report page fits in a few bytes.
const (
	minTimeout   = time.Second
	minBodyBytes = 64 << 10
	// maxMinBodyRate is the highest min_body_rate allowed: county servers send
	// 50–500 KB a second, and a minimum above what they send would abandon them.
	maxMinBodyRate = 64 << 10
)

// hostName is a host as allowed_domains takes it: labels of letters, digits
// and hyphens (or an IP address), with an optional port.
var hostName = regexp.MustCompile(`^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*(:[0-9]{1,5})?$`)

// covers says whether the crawl of the portal may visit a host, by the rule the
// crawler follows: a domain covers itself and its subdomains.
func (p Portal) covers(host string) bool { return hostmatch.Covered(host, p.AllowedDomains) }

// ParseSchedule reads a five-field cron expression ("0 2 * * *": 02:00 every day).
func ParseSchedule(spec string) (cron.Schedule, error) {
	s, err := cron.ParseStandard(spec)
	if err != nil {
		return nil, fmt.Errorf("%q is not a cron expression such as \"0 2 * * *\": %v", spec, err)
	}
	return s, nil
}

// RegionCode is the GB/T 2260 (or NBS township) code of the portal's region, ""
// when it names none; an error when it names no real place.
func (p Portal) RegionCode() (string, error) {
	if p.Region == "" {
		return "", nil
	}
	if code, ok := report.LookupRegion(p.Region); ok {
		return code, nil
	}
	msg := fmt.Sprintf("%q names no place of the GB/T 2260 or NBS township tables", p.Region)
	if region, code, rest := report.SplitOrgan(p.Region); code != "" && rest != "" {
		msg += fmt.Sprintf(" (%q is %s, code %s; %q is not a place)", region, report.RegionFullName(code), code, rest)
	}
	return "", errors.New(msg + "; write the region as 湖南省株洲市天元区, or its code, 430211")
}

// Domains returns the hosts a portal's crawl may visit: allowed_domains, or the
// hosts of its start URLs.
func (p Portal) Domains() []string {
	if len(p.AllowedDomains) > 0 {
		return p.AllowedDomains
	}
	var hosts []string
	seen := map[string]bool{}
	for _, s := range p.StartURLs {
		if u, err := url.Parse(s); err == nil && !seen[u.Host] {
			seen[u.Host] = true
			hosts = append(hosts, u.Host)
		}
	}
	return hosts
}

// CheckFrontier checks a shared frontier's address: "" (none) or a Redis URL.
func CheckFrontier(raw string) error {
	if raw == "" {
		return nil
	}
	u, err := url.Parse(raw)
	switch {
	case err != nil:
		return fmt.Errorf("%q is not a URL: %v", raw, err)
	case u.Scheme != "redis" && u.Scheme != "rediss":
		return fmt.Errorf("%q: write redis://host:port/db (rediss:// for TLS); no other frontier is known", raw)
	case u.Host == "":
		return fmt.Errorf("%q names no host: write redis://host:port/db", raw)
	}
	if db := strings.Trim(u.Path, "/"); db != "" {
		if n, err := strconv.Atoi(db); err != nil || n < 0 {
			return fmt.Errorf("%q: the database after the host must be a number (redis://host:port/0)", raw)
		}
	}
	return nil
}

// CheckWorker checks a worker's name: it goes into WARC file names and lock
// files, so letters, digits, '.', '_' and '-' only.
func CheckWorker(name string) error {
	if len(name) > 64 {
		return fmt.Errorf("%q is longer than 64 characters", name)
	}
	for _, r := range name {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '.' || r == '_' || r == '-') {
			return fmt.Errorf("%q: use letters, digits, '.', '_' and '-' only (it names the worker's WARC files)", name)
		}
	}
	return nil
}
