// Command loadgen builds a large archive for load tests of the web server: it
// clones the reports of a small archive (such as the one `gongkai demo --data DIR`
// crawls from the simulated portals) into N reports of made-up organs, regions and
// years, stores them through the store's Ingest in batches, and indexes them.
//
//	go run ./web/internal/loadgen --from SEED --out DIR [--reports 100000]
//
// Bodies are drawn sentence by sentence from the seed's texts, so that reports
// overlap as real ones do without all being copies; figures vary per report.
package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"time"

	"gongkai/index"
	"gongkai/report"
	"gongkai/store"
)

// departments are the bodies of every made-up region.
var departments = []string{"人民政府", "人民政府办公室", "教育局", "财政局", "公安局", "民政局", "司法局",
	"人力资源和社会保障局", "自然资源局", "生态环境局", "住房和城乡建设局", "交通运输局", "农业农村局", "水利局",
	"商务局", "文化和旅游局", "卫生健康局", "应急管理局", "市场监督管理局", "医疗保障局"}

const (
	firstYear = 2019
	years     = 7 // 2019–2025
	batch     = 500
)

func main() {
	from := flag.String("from", "", "the data folder whose reports are cloned (required)")
	out := flag.String("out", "", "the data folder to create (required; must not hold an archive)")
	n := flag.Int("reports", 100_000, "how many reports to make")
	flag.Parse()
	if *from == "" || *out == "" || *n < 1 {
		flag.Usage()
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, *from, *out, *n); err != nil {
		fmt.Fprintln(os.Stderr, "loadgen:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, from, out string, n int) error {
	if _, err := os.Stat(filepath.Join(out, store.DBFile)); err == nil {
		return fmt.Errorf("%s already holds an archive", out)
	}
	bases, sentences, err := seed(ctx, from)
	if err != nil {
		return err
	}
	st, err := store.Open(out)
	if err != nil {
		return err
	}
	defer st.Close()
	rng := rand.New(rand.NewPCG(1, 2))
	start := time.Now()
	items := make([]store.Item, 0, batch)
	for i := 0; i < n; i++ {
		items = append(items, clone(rng, bases, sentences, i))
		if len(items) == batch || i == n-1 {
			res, err := st.Ingest(ctx, items)
			if err != nil {
				return err
			}
			for _, r := range res {
				if r.Err != nil {
					return r.Err
				}
			}
			items = items[:0]
			fmt.Fprintf(os.Stderr, "\rstored %d of %d reports (%s)", i+1, n, time.Since(start).Round(time.Second))
		}
	}
	fmt.Fprintf(os.Stderr, "\nstored %d reports in %s; indexing\n", n, time.Since(start).Round(time.Second))
	start = time.Now()
	stats, err := index.Rebuild(ctx, filepath.Join(out, "index"), st, nil)
	if err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "indexed %d reports (%.0f MB of text) in %s\n", stats.Added, float64(stats.Bytes)/1e6, time.Since(start).Round(time.Second))
	return nil
}

// seed reads the reports of the seed archive that have tables, by format, and the
// sentences of their texts.
func seed(ctx context.Context, from string) (map[string][]*report.Record, []string, error) {
	st, err := store.OpenReadOnly(from)
	if err != nil {
		return nil, nil, err
	}
	defer st.Close()
	bases := map[string][]*report.Record{}
	var sentences []string
	err = st.Records(ctx, store.Filter{}, false, func(r *report.Record) error {
		for _, s := range strings.FieldsFunc(r.Text, func(c rune) bool { return strings.ContainsRune("。！？\n", c) }) {
			if len([]rune(s)) >= 12 && !strings.ContainsAny(s, "|") {
				sentences = append(sentences, s+"。")
			}
		}
		if r.Format != report.FormatLegacy && r.Table3 != nil && len(r.Cells) > 0 {
			bases[r.Format] = append(bases[r.Format], r)
		}
		return nil
	})
	if err == nil && (len(bases[report.Format2021]) == 0 || len(bases[report.Format2019]) == 0 || len(sentences) == 0) {
		err = fmt.Errorf("%s holds no reports of both formats with text to clone", from)
	}
	return bases, sentences, err
}

// clone makes report i: organ i/years of a made-up region, year firstYear + i%years,
// the tables of a seed report of the year's format with natural persons' figures
// drawn anew, and a body of 15 seed sentences.
func clone(rng *rand.Rand, bases map[string][]*report.Record, sentences []string, i int) store.Item {
	organ, year := i/years, firstYear+i%years
	format := report.Format2021
	if year < 2021 {
		format = report.Format2019
	}
	base := bases[format][rng.IntN(len(bases[format]))]
	rec := copyRecord(base)
	region := fmt.Sprintf("模拟省第%d市第%d区", organ/len(departments)/20+1, organ/len(departments)%20+1)
	rec.Region, rec.RegionCode = region, fmt.Sprintf("99%02d%02d", organ/len(departments)/20%100, organ/len(departments)%20+1)
	rec.Department = departments[organ%len(departments)]
	rec.Organ = region + rec.Department
	rec.Year = year
	rec.Title = fmt.Sprintf("%s%d年政府信息公开工作年度报告", rec.Organ, year)
	rec.Published = fmt.Sprintf("%d-01-%02d", year+1, 10+rng.IntN(20))
	for j, c := range rec.Cells {
		if c.Table == report.T3 && c.Kind == report.KindNumber && (c.Column == "natural_person" || c.Column == "total") {
			v := float64(rng.IntN(60))
			rec.Cells[j].Value, rec.Cells[j].Raw = &v, fmt.Sprint(v)
			rec.Table3[c.Row][c.Column] = int64(v)
		}
	}
	var body strings.Builder
	body.WriteString(rec.Title + "\n")
	for j := 0; j < 15; j++ {
		body.WriteString(sentences[rng.IntN(len(sentences))])
		if j%3 == 2 {
			body.WriteByte('\n')
		}
	}
	rec.Text = body.String()
	rec.Checks = report.ComputeChecks(rec)
	sum := sha256.Sum256([]byte(rec.Text))
	uri := fmt.Sprintf("http://www.example.gov.cn/loadgen/%d/%d.html", year, organ)
	return store.Item{
		Doc: store.Document{URI: uri, SHA256: hex.EncodeToString(sum[:]), MediaType: "text/html; charset=utf-8",
			Size: int64(len(rec.Text)), FetchedAt: time.Date(year+1, 2, 1, 0, 0, 0, 0, time.UTC), Bytes: []byte(rec.Text)},
		Record: rec, ParserVersion: "loadgen",
	}
}

// copyRecord deep-copies a record through JSON.
func copyRecord(r *report.Record) *report.Record {
	data, err := json.Marshal(r)
	if err != nil {
		panic(err)
	}
	out := &report.Record{}
	if err := json.Unmarshal(data, out); err != nil {
		panic(err)
	}
	return out
}
