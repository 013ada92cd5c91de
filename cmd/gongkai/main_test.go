package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gongkai/report"
)

func gongkai(t *testing.T, args ...string) (stdout, stderr string, status int) {
	t.Helper()
	var out, errb bytes.Buffer
	status = run(args, &out, &errb)
	return out.String(), errb.String(), status
}

func writeFile(t testing.TB, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

const textReport = `某某县交通运输局2021年政府信息公开工作年度报告
三、收到和处理政府信息公开申请情况
| 一、本年新收政府信息公开申请数量 | 4 | 1 | 0 | 0 | 0 | 0 | 5 |
| 二、上年结转政府信息公开申请数量 | 0 | 0 | 0 | 0 | 0 | 0 | 0 |
| 三、本年度办理结果 | （一）予以公开 | 3 | 1 | 0 | 0 | 0 | 0 | 4 |
| （二）部分公开 | 1 | 0 | 0 | 0 | 0 | 0 | 2 |
`

func TestParseCommandExitStatus(t *testing.T) {
	dir := t.TempDir()
	good := writeFile(t, dir, "report.txt", textReport)
	notice := writeFile(t, dir, "notice.txt", "关于报送2021年度政府信息公开工作年度报告的通知\n各单位：请于1月20日前报送。\n")
	empty := writeFile(t, dir, "empty.txt", "")

	out, errs, status := gongkai(t, "parse", good)
	if status != exitOK || errs != "" {
		t.Fatalf("good report: status %d, stderr %q", status, errs)
	}
	// The summary shows the printed figures and marks the failed row-total check.
	for _, want := range []string{"某某县交通运输局", "（二）部分公开", "2!", "✗ t3_row_total:partially_granted"} {
		if !strings.Contains(out, want) {
			t.Errorf("summary lacks %q:\n%s", want, out)
		}
	}

	out, errs, status = gongkai(t, "parse", "--json", good, notice)
	if status != exitNotReport {
		t.Errorf("with a notice: status %d, want %d", status, exitNotReport)
	}
	if !strings.Contains(errs, "notice.txt: not an annual report") {
		t.Errorf("stderr does not name the notice: %q", errs)
	}
	lines := 0
	sc := bufio.NewScanner(strings.NewReader(out))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		lines++
		var rec report.Record
		if err := json.Unmarshal(sc.Bytes(), &rec); err != nil {
			t.Fatalf("line %d is not a record: %v", lines, err)
		}
		if rec.Source != good || rec.Table3["partially_granted"]["total"] != 2 {
			t.Errorf("record: source %q, partially_granted %v", rec.Source, rec.Table3["partially_granted"])
		}
	}
	if lines != 1 {
		t.Errorf("%d JSON lines, want 1 (the notice yields none)", lines)
	}

	_, errs, status = gongkai(t, "parse", good, empty, filepath.Join(dir, "missing.txt"))
	if status != exitFailed || !strings.Contains(errs, "empty.txt: empty file") || !strings.Contains(errs, "missing.txt") {
		t.Errorf("unreadable inputs: status %d, stderr %q", status, errs)
	}
}

func TestHelpListsCommands(t *testing.T) {
	out, _, status := gongkai(t, "help")
	if status != exitOK || !strings.Contains(out, "parse") {
		t.Errorf("help: status %d\n%s", status, out)
	}
	out, _, status = gongkai(t, "parse", "--help")
	if status != exitOK || !strings.Contains(out, "Usage: gongkai parse") {
		t.Errorf("parse --help: status %d\n%s", status, out)
	}
	if _, _, status := gongkai(t, "nonsense"); status != exitUsage {
		t.Errorf("unknown command: status %d", status)
	}
}
