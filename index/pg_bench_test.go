package index

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// The PostgreSQL baseline of the search benchmark: full-text search over the
// same texts with CJK tsvectors, one of bigrams (for words of two or more
// characters, phrases as bigrams one after another) and one of single
// characters and words (for one character, and characters beside digits), each
// with a GIN index; runs of characters are kept apart by a filler token, so that
// a phrase does not span punctuation, as in gongkai's index. It runs its own
// cluster (PostgreSQL 15's binaries) under the benchmark's folder, on a loopback
// port of its own.

const pgBin = "/usr/lib/postgresql/15/bin"

// startPG starts a cluster in dir (made by initdb if it is not there) and
// returns a pool on it; the cluster is stopped when the test ends.
func startPG(t *testing.T, dir string) *pgxpool.Pool {
	t.Helper()
	data := filepath.Join(dir, "pgdata")
	// initdb and postgres refuse to run as root: as the postgres user then.
	run := func(name string, args ...string) {
		t.Helper()
		cmd := exec.Command(filepath.Join(pgBin, name), args...)
		if os.Geteuid() == 0 {
			cmd = exec.Command("runuser", append([]string{"-u", "postgres", "--", filepath.Join(pgBin, name)}, args...)...)
		}
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("%s: %v\n%s", name, err, out)
		}
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if os.Geteuid() == 0 {
		exec.Command("chown", "postgres", dir).Run()
	}
	if _, err := os.Stat(filepath.Join(data, "PG_VERSION")); err != nil {
		run("initdb", "-D", data, "-U", "bench", "--auth=trust", "-E", "UTF8", "--locale=C")
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	opts := fmt.Sprintf("-p %d -k %s -c listen_addresses=127.0.0.1 -c shared_buffers=2GB -c work_mem=256MB -c maintenance_work_mem=2GB "+
		"-c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_wal_size=16GB -c jit=off", port, dir)
	run("pg_ctl", "-D", data, "-o", opts, "-l", filepath.Join(dir, "pg.log"), "-w", "start")
	t.Cleanup(func() { run("pg_ctl", "-D", data, "-m", "fast", "-w", "stop") })
	pool, err := pgxpool.New(context.Background(), fmt.Sprintf("postgres://bench@127.0.0.1:%d/postgres?sslmode=disable", port))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	return pool
}

// pgFiller stands between runs of characters that are not one after another.
const pgFiller = "zzq"

// pgTokens writes a text as the words of its two tsvectors: bigrams, and
// single characters, with the words of letters and digits in both.
func pgTokens(text string) (bigrams, chars string) {
	var bi, uni strings.Builder
	var run []rune
	lastEnd := -1
	word := func(b *strings.Builder, w string) {
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(w)
	}
	flush := func() {
		if len(run) == 0 {
			return
		}
		word(&bi, pgFiller)
		if len(run) == 1 {
			word(&bi, string(run))
		}
		for i := 0; i+2 <= len(run); i++ {
			word(&bi, string(run[i:i+2]))
		}
		run = run[:0]
	}
	tokenize([]byte(text), func(t *analysis.Token) {
		if t.Type != analysis.Ideographic {
			flush()
			w := strings.Map(func(r rune) rune {
				if r < 128 && !(r >= '0' && r <= '9' || r >= 'a' && r <= 'z') {
					return -1 // what PostgreSQL's parser would cut a word at
				}
				return r
			}, string(t.Term))
			if w != "" {
				word(&bi, w)
				word(&uni, w)
			}
			lastEnd = -1
			return
		}
		if lastEnd >= 0 && lastEnd != t.Start {
			flush()
			word(&uni, pgFiller)
		}
		for _, r := range string(t.Term) {
			run = append(run, r)
			word(&uni, string(r))
		}
		lastEnd = t.End
	})
	flush()
	return bi.String(), uni.String()
}

func buildPG(t *testing.T, c *corpus, pool *pgxpool.Pool) {
	ctx := context.Background()
	exec := func(q string) {
		t.Helper()
		if _, err := pool.Exec(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	exec(`DROP TABLE IF EXISTS docs`)
	exec(`DROP TABLE IF EXISTS staging`)
	exec(`CREATE UNLOGGED TABLE staging (id bigint, title text, body text, year int, region text, region_code text,
		organ text, department text, format text, published date, failed bool, bi text, uni text)`)
	start := time.Now()
	var bytes int64
	next := 0
	src := pgx.CopyFromFunc(func() ([]any, error) {
		if next >= c.n {
			return nil, nil
		}
		next++
		d := c.doc(int64(next))
		bytes += int64(len(d.Title) + len(d.Text))
		bi, uni := pgTokens(d.Title + "\n" + d.Text)
		pub, _ := time.Parse(time.DateOnly, d.Published)
		return []any{d.ReportID, d.Title, d.Text, d.Year, d.Region, d.RegionCode, d.Organ, d.Department, d.Format, pub, len(d.Failed) > 0, bi, uni}, nil
	})
	if _, err := pool.CopyFrom(ctx, pgx.Identifier{"staging"}, []string{"id", "title", "body", "year", "region", "region_code", "organ",
		"department", "format", "published", "failed", "bi", "uni"}, src); err != nil {
		t.Fatal(err)
	}
	loaded := time.Since(start)
	start = time.Now()
	exec(`CREATE TABLE docs AS SELECT id, title, body, year, region, region_code, organ, department, format, published, failed,
		to_tsvector('simple', bi) AS bi, to_tsvector('simple', uni) AS uni FROM staging`)
	exec(`DROP TABLE staging`)
	exec(`ALTER TABLE docs ADD PRIMARY KEY (id)`)
	exec(`CREATE INDEX docs_bi ON docs USING gin (bi)`)
	exec(`CREATE INDEX docs_uni ON docs USING gin (uni)`)
	exec(`CREATE INDEX docs_year ON docs (year)`)
	exec(`VACUUM ANALYZE docs`)
	took := time.Since(start)
	var size int64
	if err := pool.QueryRow(ctx, `SELECT pg_total_relation_size('docs')`).Scan(&size); err != nil {
		t.Fatal(err)
	}
	fmt.Printf("PostgreSQL build: %.1f MB of text loaded in %s, tsvectors and GIN indexes in %s: %.0f reports/s; %.0f MB with the text\n",
		float64(bytes)/1e6, loaded.Round(time.Second), took.Round(time.Second), float64(c.n)/took.Seconds(), float64(size)/1e6)
}

// pgWord is a word of a query as a condition on the tsvectors: a word of two
// or more Chinese characters as a phrase of its bigrams, anything else as a
// phrase of single characters and words.
func pgWord(w string, args *[]any) (cond, rankCol string) {
	bi, uni := pgTokens(w)
	col, toks := "bi", strings.Fields(bi)
	if han := []rune(w); len(han) < 2 || strings.IndexFunc(w, func(r rune) bool { return !isHan(r) }) >= 0 {
		col, toks = "uni", strings.Fields(uni)
	}
	var phrase []string
	for _, tok := range toks {
		if tok != pgFiller {
			phrase = append(phrase, tok)
		}
	}
	*args = append(*args, strings.Join(phrase, " <-> "))
	return fmt.Sprintf("d.%s @@ to_tsquery('simple', $%d)", col, len(*args)), col
}

// pgSearch answers a query of the mix on PostgreSQL as ftsSearch does on FTS5:
// the first 20 by ts_rank with their titles, the total and the four facets.
func pgSearch(t *testing.T, pool *pgxpool.Pool, q mixQuery) uint64 {
	var args []any
	var conds []string
	rank := "0"
	words := strings.Fields(strings.ReplaceAll(q.req.Query, `"`, ""))
	for i := 0; i < len(words); i++ {
		w := words[i]
		switch {
		case i+2 < len(words) && words[i+1] == "OR":
			a, _ := pgWord(w, &args)
			b, _ := pgWord(words[i+2], &args)
			conds = append(conds, "("+a+" OR "+b+")")
			i += 2
		case strings.HasPrefix(w, "-"):
			c, _ := pgWord(w[1:], &args)
			conds = append(conds, "NOT "+c)
		default:
			c, col := pgWord(w, &args)
			conds = append(conds, c)
			if rank == "0" {
				rank = fmt.Sprintf("ts_rank(d.%s, to_tsquery('simple', $%d))", col, len(args))
			}
		}
	}
	if q.where != "" {
		conds = append(conds, strings.ReplaceAll(q.where, "instr(", "strpos("))
	}
	order := "rank DESC"
	if q.req.Sort == "date" {
		order = "published DESC"
	}
	sql := `WITH m AS MATERIALIZED (SELECT d.id, d.year, d.region, d.department, d.format, d.published, ` + rank + ` AS rank
		FROM docs d WHERE ` + strings.Join(conds, " AND ") + `)
		SELECT 'hit', h.id::text, d.title FROM (SELECT id FROM m ORDER BY ` + order + ` LIMIT 20) h JOIN docs d ON d.id = h.id
		UNION ALL SELECT 'year', year::text, count(*)::text FROM m GROUP BY year
		UNION ALL SELECT 'region', region, count(*)::text FROM m GROUP BY region
		UNION ALL SELECT 'department', department, count(*)::text FROM m GROUP BY department
		UNION ALL SELECT 'format', format, count(*)::text FROM m GROUP BY format`
	rows, err := pool.Query(context.Background(), sql, args...)
	if err != nil {
		t.Fatalf("%s: %v\n%s %v", q.name, err, sql, args)
	}
	defer rows.Close()
	var total uint64
	for rows.Next() {
		var kind string
		var value, count *string
		if err := rows.Scan(&kind, &value, &count); err != nil {
			t.Fatal(err)
		}
		if kind == "format" && count != nil {
			n, _ := strconv.ParseUint(*count, 10, 64)
			total += n
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return total
}
