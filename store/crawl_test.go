package store

import (
	"context"
	"testing"
	"time"
)

// A run's frontier comes back best first, with everything a request needs (a
// POST's body, its Referer, the mechanism that made it): a resumed run keeps
// its order and its requests.
func TestFrontierKeepsPriorityAndRequests(t *testing.T) {
	s := newStore(t)
	ctx := context.Background()
	run, resumed, err := s.BeginCrawlRun(ctx, time.Now())
	if err != nil || resumed {
		t.Fatalf("BeginCrawlRun: %v (resumed %v)", err, resumed)
	}
	post := QueuedURL{Key: "POST http://h/module/web/jpage/dataproxy.jsp?endrecord=30 columnid=1", URL: "http://h/module/web/jpage/dataproxy.jsp?endrecord=30",
		Portal: "p", Kind: "list", Priority: 80, Method: "POST", Body: "columnid=1", BodyType: "application/x-www-form-urlencoded",
		Referer: "http://h/col/col1/index.html", Via: "hanweb", ReportColumn: true}
	in := []QueuedURL{
		{Key: "http://h/", URL: "http://h/", Portal: "p", Kind: "list", Priority: 30},
		{Key: "http://h/dead/", URL: "http://h/dead/", Portal: "p", Kind: "list", Priority: 40},
		post,
		{Key: "http://h/a.html", URL: "http://h/a.html", Portal: "p", Kind: "report", Priority: 100},
		{Key: "http://h/b.html", URL: "http://h/b.html", Portal: "p", Kind: "report", Priority: 100},
	}
	added, err := s.EnqueueURLs(ctx, run, in)
	if err != nil || len(added) != len(in) {
		t.Fatalf("EnqueueURLs: %v (%d added)", err, len(added))
	}
	if err := s.FinishURL(ctx, run, "http://h/", "list", ""); err != nil {
		t.Fatal(err)
	}
	pending, err := s.PendingURLs(ctx, run)
	if err != nil {
		t.Fatal(err)
	}
	var order []string
	for _, p := range pending {
		order = append(order, p.Key)
	}
	want := []string{"http://h/a.html", "http://h/b.html", post.Key, "http://h/dead/"}
	if len(order) != len(want) {
		t.Fatalf("pending %v, want %v", order, want)
	}
	for i := range want {
		if order[i] != want[i] {
			t.Fatalf("pending %v, want %v", order, want)
		}
	}
	if pending[2] != post {
		t.Errorf("the POST came back as %+v, want %+v", pending[2], post)
	}
}
