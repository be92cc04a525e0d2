// Package metrics is Beian's Prometheus instrumentation: request latency
// per route, the job queue's depth and lag, job and notification failures,
// overdue applications, and whatever the other packages register (the
// compliance monitor's findings, webhook deliveries). It owns one registry
// (no global state) and serves it at /metrics in the text exposition format.
// docs/operations.md says what each metric means and which alerts to set.
package metrics

import (
	"context"
	"crypto/subtle"
	"log/slog"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"beian/internal/storage"
)

// Namespace prefixes every metric Beian defines.
const Namespace = "beian"

// Metrics is the registry and the collectors the rest of the system feeds.
type Metrics struct {
	reg      *prometheus.Registry
	log      *slog.Logger
	requests *prometheus.HistogramVec
	jobRuns  *prometheus.CounterVec
	jobTime  *prometheus.HistogramVec
	notify   *prometheus.CounterVec
	// started counts requests begun: background walks read it to give
	// way while applicants are being served (Started).
	started atomic.Uint64
}

// Started is how many requests this server has begun so far.
func (m *Metrics) Started() uint64 { return m.started.Load() }

// New builds the registry with the Go runtime and process collectors and
// the request and job metrics.
func New(log *slog.Logger) *Metrics {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	m := &Metrics{reg: prometheus.NewRegistry(), log: log}
	m.requests = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Namespace: Namespace, Subsystem: "http", Name: "request_duration_seconds",
		Help:    "Time to answer an HTTP request, by route (the mux pattern), method and status class.",
		Buckets: []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30},
	}, []string{"route", "method", "code"})
	m.jobRuns = prometheus.NewCounterVec(prometheus.CounterOpts{
		Namespace: Namespace, Subsystem: "jobs", Name: "runs_total",
		Help: "Job runs on this instance by kind and result (ok, error).",
	}, []string{"kind", "result"})
	m.jobTime = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Namespace: Namespace, Subsystem: "jobs", Name: "run_duration_seconds",
		Help:    "Time one job run took on this instance, by kind.",
		Buckets: []float64{.005, .025, .1, .5, 1, 5, 15, 60, 300},
	}, []string{"kind"})
	m.notify = prometheus.NewCounterVec(prometheus.CounterOpts{
		Namespace: Namespace, Subsystem: "notifications", Name: "failures_total",
		Help: "Failed attempts to send a notification on this instance, by channel (email, sms); each is retried with backoff.",
	}, []string{"channel"})
	m.reg.MustRegister(
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		m.requests, m.jobRuns, m.jobTime, m.notify,
	)
	return m
}

// Register adds collectors another package owns (a DB-backed gauge set).
func (m *Metrics) Register(cs ...prometheus.Collector) error {
	for _, c := range cs {
		if err := m.reg.Register(c); err != nil {
			return err
		}
	}
	return nil
}

// Registry is the registry, for tests that gather it.
func (m *Metrics) Registry() *prometheus.Registry { return m.reg }

// Job wraps a job handler so each run is counted and timed. The jobs
// package stays free of instrumentation (and of the wall clock: a run's
// duration is wall time, measured here).
func (m *Metrics) Job(kind string, h func(context.Context, storage.Job) error) func(context.Context, storage.Job) error {
	return func(ctx context.Context, j storage.Job) error {
		start := time.Now()
		err := h(ctx, j)
		m.jobDone(kind, time.Since(start), err)
		return err
	}
}

// jobDone records one job run. A failed notification job also counts as a
// notification failure of its channel.
func (m *Metrics) jobDone(kind string, took time.Duration, err error) {
	result := "ok"
	if err != nil {
		result = "error"
		if ch, ok := strings.CutPrefix(kind, "notify."); ok {
			m.notify.WithLabelValues(ch).Inc()
		}
	}
	m.jobRuns.WithLabelValues(kind, result).Inc()
	m.jobTime.WithLabelValues(kind).Observe(took.Seconds())
}

// Instrument measures every request next answers. next must be the mux
// itself: ServeMux writes the matched pattern into the request it was
// given, which is how the route label is known without guessing from the
// path (and without one series per id). Unmatched requests count as
// "unmatched".
func (m *Metrics) Instrument(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now() // latency is wall time, not business time
		m.started.Add(1)
		sw := &statusWriter{ResponseWriter: w}
		next.ServeHTTP(sw, r)
		route := r.Pattern
		if route == "" {
			route = "unmatched"
		} else if _, path, ok := strings.Cut(route, " "); ok {
			route = path // the method is a label of its own
		}
		m.requests.WithLabelValues(route, methodLabel(r.Method), codeClass(sw.status())).Observe(time.Since(start).Seconds())
	})
}

// methodLabel keeps the label's values bounded: a client may send any verb.
func methodLabel(m string) string {
	switch m {
	case http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete, http.MethodOptions:
		return m
	}
	return "other"
}

func codeClass(code int) string {
	if code < 100 || code > 599 {
		return "other"
	}
	return strconv.Itoa(code/100) + "xx"
}

// statusWriter remembers the status code written.
type statusWriter struct {
	http.ResponseWriter
	code int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.code == 0 {
		w.code = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.code == 0 {
		w.code = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

func (w *statusWriter) status() int {
	if w.code == 0 {
		return http.StatusOK
	}
	return w.code
}

// Unwrap lets http.ResponseController reach the real writer (flush, deadlines).
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// Access says who may read /metrics: a bearer token when one is set, and
// clients from the allowed networks. A request from this host without a
// forwarded address is a local scraper; behind a reverse proxy on this
// host the forwarded client is judged (httpx.LimitedIP's trust rule).
type Access struct {
	Token    string
	Networks []netip.Prefix
}

// Handler serves the registry to the clients a allows; others get 403
// (the counts say how busy the provider is, which is nobody else's business).
func (m *Metrics) Handler(a Access, clientIP func(*http.Request) string) http.Handler {
	h := promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{ErrorLog: slog.NewLogLogger(m.log.Handler(), slog.LevelWarn),
		ErrorHandling: promhttp.ContinueOnError, Timeout: 10 * time.Second})
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !a.allows(r, clientIP(r)) {
			http.Error(w, "forbidden", http.StatusForbidden)
			return
		}
		h.ServeHTTP(w, r)
	})
}

func (a Access) allows(r *http.Request, client string) bool {
	if a.Token != "" {
		if tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer "); ok && constantTimeEqual(tok, a.Token) {
			return true
		}
	}
	if client == "" {
		return true // a tool on this host, not forwarded by the proxy
	}
	ip, err := netip.ParseAddr(client)
	if err != nil {
		return false
	}
	for _, n := range a.Networks {
		if n.Contains(ip.Unmap()) {
			return true
		}
	}
	return false
}

// ParseNetworks reads a comma-separated list of CIDR prefixes or addresses.
func ParseNetworks(s string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, f := range strings.Split(s, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		if !strings.Contains(f, "/") {
			ip, err := netip.ParseAddr(f)
			if err != nil {
				return nil, err
			}
			out = append(out, netip.PrefixFrom(ip, ip.BitLen()))
			continue
		}
		p, err := netip.ParsePrefix(f)
		if err != nil {
			return nil, err
		}
		out = append(out, p.Masked())
	}
	return out, nil
}

// scrapeTimeout bounds the database queries one scrape makes.
const scrapeTimeout = 5 * time.Second

// scrapeContext is the context of a DB-backed collector's queries.
func scrapeContext() (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.Background(), scrapeTimeout)
}

func constantTimeEqual(a, b string) bool {
	return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1
}
