package main

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"gongkai/report"
)

// ingestCorpus stores the three corpus reports (report ids 1, 2, 3 in this order)
// and returns the data folder and the files as given.
func ingestCorpus(t *testing.T) (string, []string) {
	t.Helper()
	files := []string{
		corpusFile(t, "pingtan-2016-legacy.htm"),
		corpusFile(t, "xiongxian-township-2019.txt"),
		corpusFile(t, "zhuzhou-tianyuan-jinrongban-2022.txt"),
	}
	data := filepath.Join(t.TempDir(), "data")
	if _, errs, status := gongkai(t, append([]string{"ingest", "--data", data}, files...)...); status != exitOK {
		t.Fatalf("ingest: %d %s", status, errs)
	}
	return data, files
}

func TestExportJSONLReproducesTheRecords(t *testing.T) {
	data, files := ingestCorpus(t)
	parsed, _, status := gongkai(t, append([]string{"parse", "--json"}, files...)...)
	if status != exitOK {
		t.Fatal("parse failed")
	}
	exported, errs, status := gongkai(t, "export", "--data", data, "--format", "jsonl", "--no-findings")
	if status != exitOK || errs != "" {
		t.Fatalf("export: %d %s", status, errs)
	}
	// Each line leads with the keys that join it to the views and the web pages,
	// then holds the record exactly as parse --json printed it.
	gotLines, wantLines := strings.Split(strings.TrimSpace(exported), "\n"), strings.Split(strings.TrimSpace(parsed), "\n")
	if len(gotLines) != len(wantLines) {
		t.Fatalf("%d records exported, %d parsed", len(gotLines), len(wantLines))
	}
	for i := range gotLines {
		var got, want map[string]any
		if err := json.Unmarshal([]byte(gotLines[i]), &got); err != nil {
			t.Fatal(err)
		}
		json.Unmarshal([]byte(wantLines[i]), &want)
		if got["report_id"] != float64(i+1) || got["version"] != 1.0 || got["version_id"] == nil || got["organ_key"] == nil ||
			got["region_code"] != want["region_code"] && !(want["region_code"] == nil && got["region_code"] == "") {
			t.Errorf("record %d: report_id %v version %v version_id %v organ_key %v region_code %v (parsed %v)", i+1, got["report_id"],
				got["version"], got["version_id"], got["organ_key"], got["region_code"], want["region_code"])
		}
		if !strings.HasPrefix(gotLines[i], fmt.Sprintf(`{"report_id":%d,"version":1,"version_id":`, i+1)) {
			t.Errorf("record %d does not lead with its ids: %.80s", i+1, gotLines[i])
		}
		for _, k := range []string{"report_id", "version", "version_id", "organ_key", "region_code"} {
			delete(got, k)
			delete(want, k)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("export --no-findings differs from parse --json:\n got %.400s\nwant %.400s", gotLines[i], wantLines[i])
		}
	}

	// By default the findings follow the record's own checks.
	exported, _, _ = gongkai(t, "export", "--data", data, "--format", "jsonl", "--year", "2016")
	var rec report.Record
	if err := json.Unmarshal([]byte(exported), &rec); err != nil {
		t.Fatal(err)
	}
	last := rec.Checks[len(rec.Checks)-1]
	if rec.Organ != "平潭综合实验区" || last.Rule != "timeliness" || !last.OK || last.Detail != "published 2017-01-18, by the 2017-03-31 deadline for every body (2008 条例 第三十一条)" {
		t.Errorf("2016 record: organ %q, last check %+v", rec.Organ, last)
	}
}

func readCSV(t *testing.T, out string) [][]string {
	t.Helper()
	rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(out, "\uFEFF"))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

func TestExportCSV(t *testing.T) {
	data, files := ingestCorpus(t)
	out, errs, status := gongkai(t, "export", "--data", data, "--format", "csv")
	if status != exitOK || errs != "" {
		t.Fatalf("export: %d %s", status, errs)
	}
	if !strings.HasPrefix(out, "\uFEFFreport_id,organ,region,region_code,department,year,table,row,column,value,raw,kind,unit,region_name,read,page,box,confidence\n") {
		t.Fatalf("no BOM or header: %.120q", out)
	}
	rows := readCSV(t, out)
	cells := 0
	for _, f := range files {
		parsed, _, _ := gongkai(t, "parse", "--json", f)
		var rec report.Record
		json.Unmarshal([]byte(parsed), &rec)
		cells += len(rec.Cells)
	}
	if len(rows)-1 != cells {
		t.Errorf("%d CSV rows, the records have %d cells", len(rows)-1, cells)
	}
	has := func(rows [][]string, want string) bool {
		for _, r := range rows {
			if strings.Join(r, ",") == want {
				return true
			}
		}
		return false
	}
	for _, want := range []string{
		"3,株洲市天元区金融办,株洲市天元区,430211,金融办,2022,table3,new_received,total,0,0,number,,湖南省株洲市天元区,,,,",
		"2,,,,,2019,table3,granted,total,,,blank,,,,,,", // every figure of the township report is blank
		"2,,,,,2019,table2,rules,made,0,0,number,,,,,,", // read from text: no OCR provenance
	} {
		if !has(rows, want) {
			t.Errorf("no row %q", want)
		}
	}

	out, _, _ = gongkai(t, "export", "--data", data, "--format", "csv", "--table", "3", "--wide", "--no-bom", "--region", "4302")
	rows = readCSV(t, out)
	if strings.HasPrefix(out, "\uFEFF") || strings.Join(rows[0], ",") != "report_id,organ,region,region_code,department,year,row_key,natural_person,commercial,research,social_org,legal_service,other_org,org_subtotal,total,region_name,read,page,confidence,left_out" {
		t.Fatalf("wide table 3: %.200q", out)
	}
	// 株洲's table 3 as printed in the 2021 format: 25 rows (other_total is not printed).
	if len(rows)-1 != 25 || strings.Join(rows[1], ",") != "3,株洲市天元区金融办,株洲市天元区,430211,金融办,2022,new_received,0,0,0,0,0,0,,0,湖南省株洲市天元区,,,," {
		t.Errorf("%d rows; first %v", len(rows)-1, rows[1])
	}
	out, _, _ = gongkai(t, "export", "--data", data, "--format", "csv", "--table", "4", "--wide", "--year", "2019")
	rows = readCSV(t, out)
	if len(rows) != 4 || strings.Join(rows[1], ",") != "2,,,,,2019,review,,,,,,,,,," {
		t.Errorf("wide table 4 of 2019: %v", rows)
	}
	out, _, _ = gongkai(t, "export", "--data", data, "--format", "csv", "--table", "checks", "--year", "2016")
	rows = readCSV(t, out)
	if len(rows) != 3 || !has(rows, "1,平潭综合实验区,平潭综合实验区,,,2016,archive,timeliness,1,"+
		"published 2017-01-18, by the 2017-03-31 deadline for every body (2008 条例 第三十一条),,,,,"+
		"published 2017-01-18, by the 2017-03-31 deadline for every body (2008 条例 第三十一条)") {
		t.Errorf("checks of 2016: %v", rows)
	}
	// A table's check names its rows and columns as the format prints them, last.
	out, _, _ = gongkai(t, "export", "--data", data, "--format", "csv", "--table", "checks", "--year", "2019")
	rows = readCSV(t, out)
	if got := rows[0][len(rows[0])-1]; got != "detail_labelled" {
		t.Errorf("the checks' last column is %q", got)
	}
	if !slices.ContainsFunc(rows, func(r []string) bool {
		return slices.Contains(r, "t3_balance:total") && strings.HasPrefix(r[len(r)-1], "总计：一、本年新收政府信息公开申请数量 ")
	}) {
		t.Errorf("no labelled t3_balance:total in %v", rows)
	}
}

func TestExportUsage(t *testing.T) {
	data, _ := ingestCorpus(t)
	for _, args := range [][]string{
		{"export", "--data", data},
		{"export", "--data", data, "--format", "xml"},
		{"export", "--data", data, "--format", "jsonl", "--wide"},
		{"export", "--data", data, "--format", "csv", "--table", "5"},
	} {
		if _, errs, status := gongkai(t, args...); status != exitUsage || errs == "" {
			t.Errorf("%v: status %d, stderr %q", args, status, errs)
		}
	}
	missing := filepath.Join(t.TempDir(), "nothing")
	_, errs, status := gongkai(t, "export", "--data", missing, "--format", "jsonl")
	if status != exitFailed || !strings.Contains(errs, "no archive") {
		t.Errorf("export without an archive: %d %q", status, errs)
	}
	var buf bytes.Buffer
	if status := run([]string{"export", "--help"}, &buf, &buf); status != exitOK || !strings.Contains(buf.String(), "--format csv|jsonl") {
		t.Errorf("--help: %d %s", status, buf.String())
	}
}
