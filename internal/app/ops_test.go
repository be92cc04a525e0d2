package app

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil/promlint"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"beian/internal/config"
	"beian/internal/storage"
)

// scrape reads /metrics as a scraper on ip would and parses the text
// exposition strictly: a malformed line fails the test.
func scrape(t *testing.T, e *secEnv, ip, token string) map[string]*dto.MetricFamily {
	t.Helper()
	r := e.do(ip, "GET", "/metrics", token, nil)
	if r.status != 200 {
		t.Fatalf("GET /metrics from %q: %d %s", ip, r.status, r.body)
	}
	if ct := r.header.Get("Content-Type"); !strings.HasPrefix(ct, "text/plain") {
		t.Errorf("content type %q, want the text exposition format", ct)
	}
	p := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := p.TextToMetricFamilies(bytes.NewReader(r.body))
	if err != nil {
		t.Fatalf("/metrics is not valid text exposition: %v\n%s", err, r.body)
	}
	problems, err := promlint.New(bytes.NewReader(r.body)).Lint()
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range problems {
		if strings.HasPrefix(p.Metric, "beian_") {
			t.Errorf("promlint: %s: %s", p.Metric, p.Text)
		}
	}
	return fams
}

func labels(m *dto.Metric) map[string]string {
	out := map[string]string{}
	for _, l := range m.GetLabel() {
		out[l.GetName()] = l.GetValue()
	}
	return out
}

// gauge finds the value of the series of fam whose labels include want.
func gauge(t *testing.T, fams map[string]*dto.MetricFamily, fam string, want map[string]string) (float64, bool) {
	t.Helper()
	f, ok := fams[fam]
	if !ok {
		return 0, false
	}
next:
	for _, m := range f.GetMetric() {
		got := labels(m)
		for k, v := range want {
			if got[k] != v {
				continue next
			}
		}
		switch {
		case m.Gauge != nil:
			return m.Gauge.GetValue(), true
		case m.Counter != nil:
			return m.Counter.GetValue(), true
		case m.Histogram != nil:
			return float64(m.Histogram.GetSampleCount()), true
		}
	}
	return 0, false
}

// TestMetricsExposition is issue 16's bar for /metrics: valid Prometheus
// text that carries the request latency per route and the job queue's
// depth and lag, read from the database as of the business clock.
func TestMetricsExposition(t *testing.T) {
	e := newSecEnvWith(t, map[string]string{"BEIAN_METRICS_TOKEN": "scrape-token-123"})
	e.t = t
	ctx := context.Background()
	e.register("metrics@example.com", "13700009999")
	tok := e.login("metrics@example.com", "Str0ng-pass!")
	for range 3 {
		if r := e.do("", "GET", "/api/v1/me", tok, nil); r.status != 200 {
			t.Fatalf("me: %d", r.status)
		}
	}
	e.do("", "GET", "/api/v1/applications/0190a7c2-0000-7000-8000-000000000000", tok, nil) // a 404 on a pattern with {id}
	e.do("", "GET", "/no/such/page/at/all", "", nil)

	// Registration queued its welcome mail: run the queue once.
	if _, err := e.sys.Runner.RunDue(ctx); err != nil {
		t.Fatal(err)
	}
	// A job due an hour ago that no worker took: depth 1, lag ≥ 1 h.
	now := e.st.Now()
	if err := e.st.Tx(ctx, func(tx *storage.Tx) error {
		return tx.Enqueue(ctx, "notify.email", map[string]string{"to": "x@example.com", "body": "b"}, "metrics-test-late", now.Add(-time.Hour))
	}); err != nil {
		t.Fatal(err)
	}

	fams := scrape(t, e, "", "")
	if n, ok := gauge(t, fams, "beian_http_request_duration_seconds", map[string]string{"route": "/api/v1/me", "method": "GET", "code": "2xx"}); !ok || n != 3 {
		t.Errorf("request latency for GET /api/v1/me: %v requests (found %v), want 3", n, ok)
	}
	if n, ok := gauge(t, fams, "beian_http_request_duration_seconds", map[string]string{"route": "/api/v1/applications/{id}", "code": "4xx"}); !ok || n != 1 {
		t.Errorf("the route label is the pattern, not the path: %v %v", n, ok)
	}
	for _, m := range fams["beian_http_request_duration_seconds"].GetMetric() {
		if r := labels(m)["route"]; strings.Contains(r, "0190a7c2") || strings.Contains(r, "no/such") {
			t.Errorf("a path leaked into the route label: %q", r)
		}
	}
	if n, ok := gauge(t, fams, "beian_job_queue_depth", map[string]string{"kind": "notify.email"}); !ok || n != 1 {
		t.Errorf("queue depth of notify.email: %v (found %v), want 1", n, ok)
	}
	if lag, ok := gauge(t, fams, "beian_job_queue_lag_seconds", map[string]string{"kind": "notify.email"}); !ok || lag < 3600 || lag > 3600+600 {
		t.Errorf("queue lag of notify.email: %v s (found %v), want about an hour", lag, ok)
	}
	if _, ok := gauge(t, fams, "beian_job_queue_depth", map[string]string{"kind": "review.overdue_alerts"}); !ok {
		t.Error("an idle job kind has no depth series (alerts would see nothing)")
	}
	if n, ok := gauge(t, fams, "beian_jobs_runs_total", map[string]string{"kind": "notify.email", "result": "ok"}); !ok || n != 1 {
		t.Errorf("job runs of notify.email: %v (found %v), want 1", n, ok)
	}
	if _, ok := gauge(t, fams, "beian_applications_overdue", map[string]string{"state": "initial_review"}); !ok {
		t.Error("no overdue applications gauge")
	}
	if up, _ := gauge(t, fams, "beian_database_up", nil); up != 1 {
		t.Errorf("database_up = %v", up)
	}
	if _, ok := fams["go_goroutines"]; !ok {
		t.Error("no Go runtime metrics")
	}

	// Strangers are refused; the token opens it from anywhere.
	if r := e.do("203.0.113.7", "GET", "/metrics", "", nil); r.status != 403 {
		t.Errorf("/metrics from a stranger: %d, want 403", r.status)
	}
	if r := e.do("203.0.113.7", "GET", "/metrics", "wrong-token", nil); r.status != 403 {
		t.Errorf("/metrics with a wrong token: %d, want 403", r.status)
	}
	scrape(t, e, "203.0.113.7", "scrape-token-123")
}

func TestHealthAndReadiness(t *testing.T) {
	e := newSecEnv(t)
	for _, p := range []string{"/healthz", "/readyz"} {
		if r := e.do("", "GET", p, "", nil); r.status != 200 {
			t.Errorf("%s: %d %s", p, r.status, r.body)
		}
	}
	e.sys.ready.Store(false) // what serve does when shutdown begins
	if r := e.do("", "GET", "/readyz", "", nil); r.status != 503 {
		t.Errorf("/readyz while draining: %d, want 503", r.status)
	}
	if r := e.do("", "GET", "/healthz", "", nil); r.status != 200 {
		t.Errorf("/healthz while draining: %d, want 200 (alive)", r.status)
	}
	e.st.Close()
	e.sys.ready.Store(true)
	if r := e.do("", "GET", "/readyz", "", nil); r.status != 503 {
		t.Errorf("/readyz without a database: %d, want 503", r.status)
	}
}

func TestJSONLogs(t *testing.T) {
	var buf bytes.Buffer
	log := newLogger(config.Config{LogLevel: "info", LogFormat: "json"}, &buf)
	log.Info("hello", "kind", "notify.email")
	var m map[string]any
	if err := json.Unmarshal(buf.Bytes(), &m); err != nil {
		t.Fatalf("not one JSON object a line: %v: %s", err, buf.Bytes())
	}
	if m["msg"] != "hello" || m["kind"] != "notify.email" || m["level"] != "INFO" {
		t.Errorf("log line %v", m)
	}
	if _, err := config.Load(func(k string) string {
		if k == "BEIAN_LOG_FORMAT" {
			return "xml"
		}
		return ""
	}); err == nil {
		t.Error("BEIAN_LOG_FORMAT=xml accepted")
	}
}
