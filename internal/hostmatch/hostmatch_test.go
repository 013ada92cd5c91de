package hostmatch

import "testing"

func TestCovered(t *testing.T) {
	domains := []string{"tianyuan.gov.cn", "127.0.0.1", "zz.gov.cn:8080"}
	for _, c := range []struct {
		host string
		want bool
	}{
		{"tianyuan.gov.cn", true},
		{"WWW.Tianyuan.gov.cn", true},
		{"xxgk.tianyuan.gov.cn:8080", true}, // a domain without a port covers every port
		{"tianyuan.gov.cn.", true},          // the trailing dot of a fully qualified name
		{"faketianyuan.gov.cn", false},      // a longer name is not a subdomain
		{"tianyuan.gov.cn.evil.com", false},
		{"127.0.0.1:18931", true},
		{"127.0.0.2:18931", false},
		{"zz.gov.cn:8080", true},
		{"dept.zz.gov.cn:8080", true},
		{"zz.gov.cn", false}, // a domain with a port covers only that port
		{"zz.gov.cn:81", false},
	} {
		if got := Covered(c.host, domains); got != c.want {
			t.Errorf("Covered(%q) = %v, want %v", c.host, got, c.want)
		}
	}
	if Covered("a.gov.cn", []string{""}) {
		t.Error("an empty domain covers nothing")
	}
}
