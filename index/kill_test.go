package index

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// killedDocs are what the killed sync indexes: enough chunks that it is killed
// in the middle.
const killedDocs = 8 * analysisGroup

// announcing is a store that says on standard output which chunk of documents the
// sync asks for: with a text chunk of one group of documents, the sync asks for
// chunk k once chunk k-4 is in the index.
type announcing struct {
	memSource
	chunks int
}

func (a *announcing) SearchDocs(ctx context.Context, ids []int64, fn func(Doc) error) error {
	a.chunks++
	fmt.Printf("chunk %d\n", a.chunks)
	return a.memSource.SearchDocs(ctx, ids, fn)
}

func killedSource() *memSource {
	src := &memSource{docs: map[int64]Doc{}}
	body := strings.Repeat("本年度共收到政府信息公开申请，因政府信息公开被申请行政复议，均在法定期限内答复。", 40)
	for i := range int64(killedDocs) {
		src.docs[i+1] = Doc{ReportID: i + 1, Stamp: "1", Title: fmt.Sprintf("某某县第%d局2022年政府信息公开工作年度报告", i+1),
			Year: 2022, Format: "2021", Text: body}
	}
	return src
}

// A sync killed with SIGKILL leaves an index that opens, answers searches with
// whole documents, and is completed by the next sync.
func TestKilledSync(t *testing.T) {
	if dir := os.Getenv("GONGKAI_KILLED_SYNC"); dir != "" {
		ix, err := Open(dir)
		if err != nil {
			t.Fatal(err)
		}
		textChunkBytes = analysisGroup * len(killedSource().docs[1].Text)
		_, err = ix.Sync(context.Background(), &announcing{memSource: *killedSource()})
		t.Fatalf("the sync was not killed (error %v)", err)
	}
	if testing.Short() {
		t.Skip("runs a child process")
	}
	dir := filepath.Join(t.TempDir(), "index")
	child := exec.Command(os.Args[0], "-test.run=^TestKilledSync$")
	child.Env = append(os.Environ(), "GONGKAI_KILLED_SYNC="+dir)
	out, err := child.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := child.Start(); err != nil {
		t.Fatal(err)
	}
	// Killed when the sync reads its sixth chunk: it reads at most four ahead
	// of the one it writes, so the first is in.
	sc := bufio.NewScanner(out)
	for sc.Scan() && sc.Text() != "chunk 6" {
	}
	child.Process.Kill()
	child.Wait()

	ix, err := OpenReadOnly(dir)
	if err != nil {
		t.Fatalf("the index does not open after the kill: %v", err)
	}
	n, err := ix.Count()
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d documents after the kill", n)
	if n == 0 || n >= killedDocs {
		t.Errorf("the killed sync left %d documents: want some, fewer than %d", n, killedDocs)
	}
	src := killedSource()
	res, err := ix.Search(context.Background(), Request{Query: "行政复议"})
	if err != nil || res.Total != n {
		t.Errorf("search after the kill: %v, %d hits of %d documents", err, res.Total, n)
	}
	ix.Close()

	ix, err = Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	st, err := ix.Sync(context.Background(), src)
	if err != nil || st.Added != killedDocs-int(n) || st.Unchanged != int(n) {
		t.Fatalf("second sync: %+v, %v", st, err)
	}
	res, err = ix.Search(context.Background(), Request{Query: "行政复议"})
	if err != nil || res.Total != killedDocs {
		t.Errorf("after the second sync: %v, %d hits, want %d", err, res.Total, killedDocs)
	}
}
