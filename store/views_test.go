package store

import (
	"regexp"
	"slices"
	"strings"
	"testing"
)

// newerThan331 are the SQL features that SQLite 3.31 (Ubuntu 20.04, the oldest
// SQLite researchers are expected to open the archive with) does not have, with
// the release that brought each. A view using one makes every statement on the
// file fail there ("malformed database schema"), not just those reading the view.
// Features 3.31 has and the views may use: window functions (3.25), FILTER on
// aggregates (3.30), generated columns (3.31), the JSON1 functions json_each and
// json_group_array without ORDER BY (built in by every distribution's SQLite).
var newerThan331 = []struct {
	pattern, what string
}{
	{`(?is)\b(json_group_array|json_group_object|group_concat|string_agg)\s*\([^()]*\bORDER\s+BY\b`, "ORDER BY inside an aggregate (3.44)"},
	{`(?i)\bstring_agg\s*\(`, "string_agg (3.44)"},
	{`(?i)\bconcat(_ws)?\s*\(`, "concat, concat_ws (3.44)"},
	{`->`, "the -> and ->> operators (3.38)"},
	{`(?i)\b(RIGHT|FULL)\s+(OUTER\s+)?JOIN\b`, "RIGHT and FULL JOIN (3.39)"},
	{`(?i)\bIS\s+(NOT\s+)?DISTINCT\s+FROM\b`, "IS DISTINCT FROM (3.39)"},
	{`(?i)\bunixepoch\s*\(`, "unixepoch (3.38)"},
	{`(?i)\bformat\s*\(`, "format (3.38; printf is older)"},
	{`(?i)\biif\s*\(`, "iif (3.32)"},
	{`(?i)\)\s*STRICT\b`, "STRICT tables (3.37)"},
	{`(?i)\bRETURNING\b`, "RETURNING (3.35)"},
	{`(?i)\b(ln|log|log2|log10|exp|pow|power|sqrt|floor|ceil|ceiling|trunc|pi|sin|cos|tan|mod)\s*\(`, "the math functions (3.35)"},
	{`(?i)\bjson_(patch|extract)\s*\([^)]*\$\[#`, "JSON path with # (3.31 lacks it before 3.34)"},
	{`(?i)\bunistr\s*\(`, "unistr (3.50)"},
	{`(?i)\bsqlite_schema\b`, "the name sqlite_schema (3.33; sqlite_master is older)"},
	{`(?i)\bMATERIALIZED\b`, "MATERIALIZED CTE hints (3.35)"},
	{`(?i)\btimediff\s*\(`, "timediff (3.43)"},
	{`(?i)\bjsonb\w*\s*\(`, "JSONB functions (3.45)"},
	{`(?i)\boctet_length\s*\(`, "octet_length (3.43)"},
}

func TestViewsRunOnSQLite331(t *testing.T) {
	sqliteOnly(t)
	for _, v := range publicViews() {
		for _, f := range newerThan331 {
			if loc := regexp.MustCompile(f.pattern).FindStringIndex(v.sql); loc != nil {
				t.Errorf("view %s uses %s, which SQLite 3.31 lacks: %q", v.name, f.what, v.sql[loc[0]:loc[1]])
			}
		}
	}
	// The patterns catch what they are for.
	for _, bad := range []string{
		"SELECT json_group_array(x ORDER BY y) FROM t",
		"SELECT a->>'$.b' FROM t",
		"SELECT * FROM a RIGHT JOIN b ON 1",
		"SELECT iif(a, 1, 2) FROM t",
	} {
		caught := false
		for _, f := range newerThan331 {
			caught = caught || regexp.MustCompile(f.pattern).MatchString(bad)
		}
		if !caught {
			t.Errorf("no pattern catches %q", bad)
		}
	}
}

func TestViewsAreTheDocumentedOnes(t *testing.T) {
	sqliteOnly(t)
	var names []string
	for _, v := range publicViews() {
		names = append(names, v.name)
	}
	if !slices.Equal(slices.Sorted(slices.Values(names)), slices.Sorted(slices.Values(Views))) {
		t.Errorf("views.sql defines %v, Views lists %v", names, Views)
	}
}

// An archive whose views are not those of views.sql (written by an older gongkai,
// or changed by hand) gets them back when it is opened, and keeps its data.
func TestOpenRestoresTheViews(t *testing.T) {
	sqliteOnly(t)
	dir := t.TempDir()
	s, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	ingest(t, s, item(fixture(t, "xiling-education-2022"), "a.html", "a"))
	if _, err := s.db.Exec(`DROP VIEW checks; CREATE VIEW checks AS SELECT 1 AS old; DROP VIEW sources`); err != nil {
		t.Fatal(err)
	}
	s.Close()
	s, err = Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	same, err := s.e.(*sqliteEngine).viewsAre(t.Context(), s.e.DB(), publicViews())
	if err != nil || !same {
		t.Fatalf("views after reopening: same %v, %v", same, err)
	}
	if n := queryInt(t, s.db, `SELECT count(*) FROM checks WHERE scope = 'record' AND cells LIKE '["table3.%'`); n == 0 {
		t.Error("the restored checks view lists no record check with its cells")
	}
	if n := queryInt(t, s.db, `SELECT count(*) FROM sources`); n != 1 {
		t.Errorf("the restored sources view has %d rows, want 1", n)
	}
	var cells string
	if err := s.db.QueryRow(`SELECT cells FROM checks WHERE rule = 't3_balance:total'`).Scan(&cells); err != nil {
		t.Fatal(err)
	}
	want := `["table3.new_received.total","table3.carried_over.total","table3.total_handled.total","table3.carried_forward.total"]`
	if cells != want {
		t.Errorf("t3_balance:total cells %s, want them in the check's order %s", cells, want)
	}
	if strings.Count(viewsSQL, "CREATE VIEW") != len(Views) {
		t.Errorf("views.sql has %d CREATE VIEW statements for %d views", strings.Count(viewsSQL, "CREATE VIEW"), len(Views))
	}
}
