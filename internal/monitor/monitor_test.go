package monitor_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"beian/internal/monitor"
	"beian/internal/monitor/monitortest"
	"beian/internal/notify"
	"beian/internal/testkit"
)

// loopback is the monitor's world on this machine: a resolver the test
// sets, and the settings that point a kit's monitor at it with a provider
// whose ranges hold 127.0.0.0/24 (127.0.1.0/24 is "elsewhere").
func loopback(t *testing.T) (*monitortest.DNS, []testkit.Option) {
	dns := monitortest.NewDNS(t)
	provider := testkit.File(t, "provider.json", []byte(`{"ip_ranges": ["42.159.0.0/16", "127.0.0.0/24"]}`))
	return dns, []testkit.Option{testkit.Env("BEIAN_PROVIDER_FILE", provider), testkit.Env("BEIAN_MONITOR_RESOLVER", dns.Addr)}
}

// site is one website of the test's world and what the monitor must find.
type site struct {
	name    string
	ip      string                  // what its homepage's host resolves to
	page    func(num string) string // its homepage; nil: nothing listens
	summary string                  // the finding
	subject string                  // the owner's one mail (Chinese subject), "" for none
}

func linked(num string) string {
	return `<html><body><p>欢迎</p><footer>© 示例 <a href="https://beian.miit.gov.cn/" target="_blank">` + num + `</a></footer></body></html>`
}
func without(string) string {
	return `<html><body><p>欢迎</p><footer>© 示例</footer></body></html>`
}
func textOnly(num string) string {
	return `<html><body><footer>` + num + ` <a href="https://www.miit.gov.cn/">工信部</a></footer></body></html>`
}

var sites = []site{
	{"ok", "127.0.0.1", linked, "ok", ""},
	{"moved", "127.0.1.1", linked, monitor.ProblemMoved, "网站已不在我司接入"},
	{"missing", "127.0.0.1", without, monitor.ProblemNumberMissing, "网站首页未展示备案号"},
	{"unlinked", "127.0.0.1", textOnly, monitor.ProblemNumberUnlinked, "网站备案号未链接到工信部网站"},
	{"down", "127.0.0.9", nil, monitor.ProblemUnreachable, "网站无法访问"},
}

// TestMonitor: five websites filed and approved through the API, checked
// against a DNS server and a web server of the test's own on loopback (the
// provider's range is 127.0.0.0/24; 127.0.1.1 is another provider's;
// nothing listens on 127.0.0.9). Each gets its finding; each problem is
// confirmed by the second check and mailed to its owner once, however many
// checks follow; number problems left unfixed go to staff once; a fixed
// problem resolves, and breaking it again is a new problem with a mail of
// its own. On both databases.
func TestMonitor(t *testing.T) {
	dns, world := loopback(t)
	var mu sync.Mutex
	pages := map[string]string{}
	port := monitortest.Web(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		page, ok := pages[strings.Split(r.Host, ":")[0]]
		mu.Unlock()
		if !ok {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write([]byte(page))
	}))

	testkit.Each(t, func(t *testing.T, k *testkit.Kit) {
		ctx := context.Background()
		staff := k.AdminToken()
		ids := map[string]string{} // name → website id
		owners := map[string]string{}
		for i, s := range sites {
			f := k.FileThrough(300+i, "mon-"+s.name+".cn")
			k.Approve(f, staff)
			ws, err := k.Store.WebsiteRecordsByDomain(ctx, f.Domain)
			if err != nil || len(ws) != 1 {
				t.Fatalf("website of %s: %v %v", f.Domain, ws, err)
			}
			ids[s.name], owners[s.name] = ws[0].ID, "filer"+strconv.Itoa(300+i)+"@example.com"
			host := "www." + f.Domain
			dns.Set(host, s.ip)
			mu.Lock()
			if s.page != nil {
				pages[host] = s.page(ws[0].Number)
			}
			mu.Unlock()
		}
		mails := func(name string) (n int, subjects []string) {
			t.Helper()
			items, err := k.Notifier.Outbox.List(ctx, notify.OutboxQuery{To: owners[name], Channel: "email", Limit: 1000})
			if err != nil {
				t.Fatal(err)
			}
			for _, it := range items {
				if strings.Contains(it.Body, "我们定期检查") {
					n++
					subjects = append(subjects, it.Subject)
				}
			}
			return n, subjects
		}
		staffMails := func() int {
			items, err := k.Notifier.Outbox.List(ctx, notify.OutboxQuery{To: "admin@beian.test", Channel: "email", Limit: 1000})
			if err != nil {
				t.Fatal(err)
			}
			n := 0
			for _, it := range items {
				if strings.Contains(it.Subject, "逾期未整改") {
					n++
					for _, want := range []string{"mon-missing.cn", "mon-unlinked.cn"} {
						if !strings.Contains(it.Body, want) {
							t.Errorf("staff mail without %s:\n%s", want, it.Body)
						}
					}
					if strings.Contains(it.Body, "mon-moved.cn") || strings.Contains(it.Body, "mon-ok.cn") {
						t.Errorf("staff mail names a website that is not a number problem:\n%s", it.Body)
					}
				}
			}
			return n
		}
		report := func(f monitor.Filter) map[string]*monitor.Row {
			t.Helper()
			rows, err := k.Monitor.Report(ctx, f)
			if err != nil {
				t.Fatal(err)
			}
			out := map[string]*monitor.Row{}
			for _, r := range rows {
				out[strings.TrimSuffix(strings.TrimPrefix(r.Domain, "mon-"), ".cn")] = r
			}
			return out
		}
		// A round: a day later the scheduler finds every website due and
		// queues its checks, which run a moment later (Rate spaces them).
		round := func() {
			t.Helper()
			k.Clock.Add(25 * time.Hour)
			k.RunJobs()
			k.Clock.Add(time.Minute)
			k.RunJobs()
		}
		if err := k.Monitor.Schedule(ctx); err != nil {
			t.Fatal(err)
		}
		if err := k.Monitor.Schedule(ctx); err != nil { // a second instance starting: still one run per slot
			t.Fatal(err)
		}

		round()
		rows := report(monitor.Filter{})
		for _, s := range sites {
			r := rows[s.name]
			if r == nil || r.Last == nil || r.Last.Summary != s.summary {
				t.Fatalf("%s after the first check: %+v, want %s", s.name, r, s.summary)
			}
			if n, _ := mails(s.name); n != 0 {
				t.Errorf("%s: %d mails after one check; a problem is confirmed by the second", s.name, n)
			}
		}
		if r := rows["moved"]; r.Last.DNS != monitor.DNSOutOfRange || strings.Join(r.Last.Addresses, ",") != "127.0.1.1" || r.Last.HTTP != monitor.HTTPSkipped {
			t.Errorf("moved: %+v", r.Last)
		}
		if r := rows["down"]; r.Last.DNS != monitor.DNSInRange || r.Last.HTTP != monitor.HTTPNoAnswer {
			t.Errorf("down: %+v", r.Last)
		}

		for range 3 { // confirmed by the second check; the third and fourth mail nothing more
			round()
		}
		rows = report(monitor.Filter{})
		for _, s := range sites {
			n, subjects := mails(s.name)
			switch {
			case s.subject == "" && n != 0:
				t.Errorf("%s: %d monitor mails, want none", s.name, n)
			case s.subject != "" && (n != 1 || !strings.Contains(subjects[0], s.subject)):
				t.Errorf("%s: mails %v, want one %q", s.name, subjects, s.subject)
			}
			var kinds []string
			for _, p := range rows[s.name].Problems {
				if p.OpenedAt.IsZero() || p.Seen != 4 {
					t.Errorf("%s: problem %s opened %v seen %d, want opened and seen 4 times", s.name, p.Kind, p.OpenedAt, p.Seen)
				}
				kinds = append(kinds, p.Kind)
			}
			if want := strings.TrimPrefix(s.summary, "ok"); strings.Join(kinds, ",") != want {
				t.Errorf("%s: problems %v, want %q", s.name, kinds, want)
			}
		}
		if got := report(monitor.Filter{Kind: monitor.ProblemMoved}); len(got) != 1 || got["moved"] == nil {
			t.Errorf("filter moved: %v", got)
		}
		if got := report(monitor.Filter{State: "ok"}); len(got) != 1 || got["ok"] == nil {
			t.Errorf("filter ok: %v", got)
		}
		if got := report(monitor.Filter{State: "problem", Query: "MON-UN"}); len(got) != 1 || got["unlinked"] == nil {
			t.Errorf("filter problem + query: %v", got)
		}
		checks, err := k.Store.MonitorChecks(ctx, ids["missing"], 100)
		if err != nil || len(checks) != 4 {
			t.Fatalf("history of missing: %d checks, %v", len(checks), err)
		}

		// The metric.
		req := httptest.NewRequest("GET", "/metrics", nil)
		req.Header.Set("Authorization", "Bearer metrics-token")
		rec := httptest.NewRecorder()
		k.System.Handler().ServeHTTP(rec, req)
		for _, want := range []string{`beian_monitor_websites{result="ok"} 1`, `beian_monitor_websites{result="moved"} 1`,
			`beian_monitor_websites{result="number_unlinked"} 1`, `beian_monitor_websites{result="check_failed"} 0`,
			`beian_monitor_problems_open{kind="unreachable"} 1`,
			`beian_monitor_problems_open{kind="number_missing"} 1`} {
			if !strings.Contains(rec.Body.String(), want) {
				t.Errorf("/metrics lacks %s", want)
			}
		}

		// The staff's report and a website's history in the back office.
		b := k.Browser()
		b.Login("admin@beian.test", "Admin-pass-123")
		page := b.Get("/review/monitor?kind=moved")
		if body := string(page.Body); page.Status != 200 || !strings.Contains(body, "mon-moved.cn") || strings.Contains(body, "mon-ok.cn") ||
			!strings.Contains(body, "建议取消接入") || !strings.Contains(body, "127.0.1.1") {
			t.Errorf("report filtered by moved: %d\n%s", page.Status, body)
		}
		page = b.Get("/review/monitor/" + ids["down"])
		if body := string(page.Body); page.Status != 200 || strings.Count(body, `data-summary="unreachable"`) != 4 {
			t.Errorf("history of down: %d\n%s", page.Status, body)
		}
		if page = b.Get("/review/monitor/nope"); page.Status != 404 {
			t.Errorf("history of nothing: %d", page.Status)
		}

		// A week after the reminders, number problems go to staff, once.
		k.Clock.Add(7 * 24 * time.Hour)
		round()
		round()
		if n := staffMails(); n != 1 {
			t.Errorf("staff got %d escalation mails, want 1", n)
		}
		if got := report(monitor.Filter{State: "escalated"}); len(got) != 2 || got["missing"] == nil || got["unlinked"] == nil {
			t.Errorf("escalated: %v", got)
		}

		// Fixed: resolved at the next check. Broken again: a new problem,
		// confirmed and mailed once more.
		mu.Lock()
		pages["www.mon-missing.cn"] = linked(rows["missing"].Number)
		mu.Unlock()
		round()
		if got := report(monitor.Filter{Kind: monitor.ProblemNumberMissing}); len(got) != 0 {
			t.Errorf("fixed homepage still listed: %v", got)
		}
		mu.Lock()
		pages["www.mon-missing.cn"] = without("")
		mu.Unlock()
		round()
		round()
		round()
		if n, _ := mails("missing"); n != 2 {
			t.Errorf("missing broken twice: %d mails, want 2", n)
		}
		all, err := k.Store.MonitorProblems(ctx, ids["missing"], true)
		if err != nil || len(all) != 2 || all[1].ResolvedAt.IsZero() || !all[0].ResolvedAt.IsZero() {
			t.Errorf("problems of missing: %v %v", all, err)
		}

		// Checks are kept half a year; a website's latest always.
		k.Clock.Add(monitor.KeepChecks + 24*time.Hour)
		round()
		if checks, err := k.Store.MonitorChecks(ctx, ids["ok"], 100); err != nil || len(checks) != 2 {
			t.Errorf("after half a year: %d checks of ok, want its latest and the new one: %v", len(checks), err)
		}
	}, append(world, testkit.Env("BEIAN_MONITOR_HTTP_PORT", port), testkit.Env("BEIAN_MONITOR_HTTPS_PORT", port),
		testkit.Env("BEIAN_MONITOR_RATE", "6000"), testkit.Env("BEIAN_MONITOR_TIMEOUT", "2s"),
		testkit.Env("BEIAN_METRICS_TOKEN", "metrics-token"))...)
}
