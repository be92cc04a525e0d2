package monitor

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/encoding/simplifiedchinese"

	"beian/internal/monitor/monitortest"
)

const num = "浙ICP备2026000001号-1"

func footer(inner string) string {
	return `<!doctype html><html><head><meta charset="utf-8"><title>示例</title></head><body><main>欢迎</main><footer>` + inner + `</footer></body></html>`
}

// world is a resolver and a web server on loopback: the provider's range
// is 127.0.0.0/24, 127.0.1.0/24 is "elsewhere".
func world(t *testing.T) (*Prober, *monitortest.DNS) {
	t.Helper()
	dns := monitortest.NewDNS(t)
	gbk, _ := simplifiedchinese.GBK.NewEncoder().String(`<html><head><meta charset="gbk"></head><body><a href="https://beian.miit.gov.cn/">` + num + `</a></body></html>`)
	port := monitortest.Web(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch strings.Split(r.Host, ":")[0] {
		case "www.ok.cn", "www.cname.cn", "www.xn--fsqu00a.cn":
			w.Write([]byte(footer(`版权所有 <a href="https://beian.miit.gov.cn/" target="_blank">` + num + `</a>`)))
		case "www.spans.cn": // split over elements, full-width hyphen, http link
			w.Write([]byte(footer(`<a href="http://BEIAN.MIIT.GOV.CN"><span>浙ICP备</span> <b>2026000001</b>号－1</a>`)))
		case "www.missing.cn":
			w.Write([]byte(footer(`版权所有 示例公司`)))
		case "www.other-number.cn": // -12 is not -1
			w.Write([]byte(footer(`<a href="https://beian.miit.gov.cn/">浙ICP备2026000001号-12</a>`)))
		case "www.unlinked.cn":
			w.Write([]byte(footer(num + ` <a href="https://beian.miit.gov.cn.evil.example/">工信部</a>`)))
		case "www.script.cn": // only in a script: not shown
			w.Write([]byte(footer(`<script>var n = "` + num + `";</script>`)))
		case "www.gbk.cn":
			w.Header().Set("Content-Type", "text/html; charset=gbk")
			w.Write([]byte(gbk))
		case "www.error.cn":
			http.Error(w, "down", http.StatusBadGateway)
		case "www.loop.cn":
			http.Redirect(w, r, "/again", http.StatusFound)
		case "www.away.cn":
			http.Redirect(w, r, "http://www.elsewhere.cn/", http.StatusFound)
		case "www.huge.cn":
			w.Write([]byte(footer(strings.Repeat("填充", 50_000) + `<a href="https://beian.miit.gov.cn/">` + num + `</a>`)))
		case "www.slow.cn":
			time.Sleep(3 * time.Second)
		default:
			http.NotFound(w, r)
		}
	}))
	for _, h := range []string{"ok", "spans", "missing", "other-number", "unlinked", "script", "gbk", "error", "loop", "away", "huge", "slow"} {
		dns.Set("www."+h+".cn", "127.0.0.1")
	}
	dns.Set("www.xn--fsqu00a.cn", "127.0.0.1") // www.例子.cn
	dns.Set("www.cname.cn", "edge.cname.cn.")
	dns.Set("edge.cname.cn", "127.0.0.1")
	dns.Set("www.moved.cn", "127.0.1.7")
	dns.Set("www.mixed.cn", "127.0.0.1", "127.0.1.7")
	dns.Set("www.down.cn", "127.0.0.9") // nothing listens there
	dns.Set("www.elsewhere.cn", "127.0.1.8")
	dns.Set("www.servfail.cn", monitortest.ServFail)
	rng := netip.MustParsePrefix("127.0.0.0/24")
	inside := func(a netip.Addr) bool { return rng.Contains(a) }
	res := &Resolver{Server: dns.Addr, Timeout: 2 * time.Second}
	return &Prober{Resolver: res, Inside: inside, Fetcher: &Fetcher{Resolver: res, Inside: inside, Timeout: time.Second,
		MaxBytes: 64 << 10, MaxRedirects: 3, HTTPPort: port, HTTPSPort: port, UserAgent: "test"}}, dns
}

func TestCheck(t *testing.T) {
	p, _ := world(t)
	cases := []struct {
		host              string
		dns, http, number string
		summary           string
	}{
		{"www.ok.cn", DNSInRange, HTTPAnswers, NumberLinked, "ok"},
		{"www.cname.cn", DNSInRange, HTTPAnswers, NumberLinked, "ok"},
		{"HTTP://WWW.OK.CN/", DNSInRange, HTTPAnswers, NumberLinked, "ok"},
		{"www.例子.cn", DNSInRange, HTTPAnswers, NumberLinked, "ok"},
		{"www.spans.cn", DNSInRange, HTTPAnswers, NumberLinked, "ok"},
		{"www.gbk.cn", DNSInRange, HTTPAnswers, NumberLinked, "ok"},
		{"www.moved.cn", DNSOutOfRange, HTTPSkipped, NumberUnknown, ProblemMoved},
		{"www.mixed.cn", DNSOutOfRange, HTTPSkipped, NumberUnknown, ProblemMoved},
		{"www.away.cn", DNSInRange, HTTPOutside, NumberUnknown, ProblemMoved},
		{"www.missing.cn", DNSInRange, HTTPAnswers, NumberMissing, ProblemNumberMissing},
		{"www.other-number.cn", DNSInRange, HTTPAnswers, NumberMissing, ProblemNumberMissing},
		{"www.script.cn", DNSInRange, HTTPAnswers, NumberMissing, ProblemNumberMissing},
		{"www.unlinked.cn", DNSInRange, HTTPAnswers, NumberUnlinked, ProblemNumberUnlinked},
		{"www.down.cn", DNSInRange, HTTPNoAnswer, NumberUnknown, ProblemUnreachable},
		{"www.error.cn", DNSInRange, HTTPNoAnswer, NumberUnknown, ProblemUnreachable},
		{"www.loop.cn", DNSInRange, HTTPNoAnswer, NumberUnknown, ProblemUnreachable},
		{"www.slow.cn", DNSInRange, HTTPNoAnswer, NumberUnknown, ProblemUnreachable},
		{"www.nowhere.cn", DNSUnresolved, HTTPSkipped, NumberUnknown, ProblemUnreachable},
		{"www.huge.cn", DNSInRange, HTTPAnswers, NumberUnknown, "ok"},
		{"www.servfail.cn", DNSError, HTTPSkipped, NumberUnknown, "check_failed"},
	}
	for _, c := range cases {
		t.Run(c.host, func(t *testing.T) {
			r := p.Check(context.Background(), Target{Domain: strings.TrimPrefix(c.host, "www."), Homepage: c.host, Numbers: []string{num}})
			if r.DNS != c.dns || r.HTTP != c.http || r.Number != c.number || r.Summary() != c.summary {
				t.Fatalf("got dns %s http %s number %s summary %s (%s), want %s %s %s %s", r.DNS, r.HTTP, r.Number, r.Summary(), r.Detail,
					c.dns, c.http, c.number, c.summary)
			}
		})
	}
}

// A resolver failure says nothing about the website: no problem opens or closes.
func TestVerdictOfAFailedCheck(t *testing.T) {
	r := Result{DNS: DNSError, HTTP: HTTPSkipped, Number: NumberUnknown}
	for _, k := range Problems {
		if _, known := r.Verdict(k); known {
			t.Errorf("%s known after a resolver failure", k)
		}
	}
	// Not answering says nothing of the number either.
	r = Result{DNS: DNSInRange, HTTP: HTTPNoAnswer, Number: NumberUnknown}
	if _, known := r.Verdict(ProblemNumberMissing); known {
		t.Error("number judged on a site that did not answer")
	}
}

// The fetcher dials only inside the ranges, whatever the URL names.
func TestFetchDialsOnlyInside(t *testing.T) {
	p, _ := world(t)
	for _, u := range []string{"http://127.0.1.1/", "http://www.moved.cn/", "http://[::1]/"} {
		if _, err := p.Fetcher.Fetch(context.Background(), u); err == nil || !strings.Contains(err.Error(), ErrOutside.Error()) {
			t.Errorf("%s: %v, want outside", u, err)
		}
	}
}

func TestResolverNoServer(t *testing.T) {
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer pc.Close() // a socket that never answers
	r := &Resolver{Server: pc.LocalAddr().String(), Timeout: 200 * time.Millisecond}
	if _, err := r.Lookup(context.Background(), "www.ok.cn"); err == nil || err == ErrNoSuchHost {
		t.Fatalf("lookup without an answer: %v, want a resolver error", err)
	}
}

// HTTPS homepages are fetched on the https port with the certificate
// checked: one visitors' browsers would refuse is not answering.
func TestCheckHTTPS(t *testing.T) {
	dns := monitortest.NewDNS(t)
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(footer(`<a href="https://beian.miit.gov.cn/">` + num + `</a>`)))
	}))
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv.Listener = ln
	srv.StartTLS() // a certificate for example.com, signed by a test root nobody trusts
	t.Cleanup(srv.Close)
	_, port, _ := net.SplitHostPort(ln.Addr().String())
	dns.Set("www.tls.cn", "127.0.0.1")
	rng := netip.MustParsePrefix("127.0.0.0/24")
	inside := func(a netip.Addr) bool { return rng.Contains(a) }
	res := &Resolver{Server: dns.Addr, Timeout: time.Second}
	p := &Prober{Resolver: res, Inside: inside, Fetcher: &Fetcher{Resolver: res, Inside: inside, Timeout: time.Second,
		MaxBytes: 64 << 10, MaxRedirects: 3, HTTPPort: "1", HTTPSPort: port, UserAgent: "test"}}
	r := p.Check(context.Background(), Target{Domain: "tls.cn", Homepage: "https://www.tls.cn", Numbers: []string{num}})
	if r.HTTP != HTTPNoAnswer || !strings.Contains(r.Detail, "certificate") {
		t.Fatalf("untrusted certificate: %s %q", r.HTTP, r.Detail)
	}
}
