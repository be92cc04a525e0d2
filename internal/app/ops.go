package app

import (
	"fmt"
	"io"
	"log/slog"
	"net/http"

	"beian/internal/config"
	"beian/internal/httpx"
	"beian/internal/jobs"
	"beian/internal/metrics"
	"beian/internal/middleware"
	"beian/internal/storage"
)

// opsRoutes mounts what operators and their tools read (docs/operations.md):
// /healthz (the process and its database answer), /readyz (ready for
// traffic: built, not draining, database answering) and /metrics
// (Prometheus), and instruments every request.
func (s *System) opsRoutes(cfg config.Config, st *storage.Store, log *slog.Logger) error {
	nets, err := metrics.ParseNetworks(cfg.MetricsAllow)
	if err != nil {
		return fmt.Errorf("BEIAN_METRICS_ALLOW: %w", err)
	}
	if err := s.metrics.Register(metrics.NewQueueCollector(st, st.Now, s.jobKinds)); err != nil {
		return fmt.Errorf("metrics: %w", err)
	}
	s.mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		if err := st.Ping(r.Context()); err != nil {
			http.Error(w, "database unavailable", http.StatusServiceUnavailable)
			return
		}
		io.WriteString(w, "ok\n")
	})
	s.mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		if !s.ready.Load() {
			http.Error(w, "not ready: starting or draining", http.StatusServiceUnavailable)
			return
		}
		if err := st.Ping(r.Context()); err != nil {
			http.Error(w, "not ready: database unavailable", http.StatusServiceUnavailable)
			return
		}
		io.WriteString(w, "ready\n")
	})
	s.mux.Handle("GET /metrics", middleware.Secure(middleware.Baseline,
		s.metrics.Handler(metrics.Access{Token: cfg.MetricsToken, Networks: nets}, httpx.LimitedIP)))
	s.instrumented = s.metrics.Instrument(s.mux)
	return nil
}

// jobKinds are the kinds of job this system has handlers for.
func (s *System) jobKinds() []string {
	kinds := make([]string, 0, len(s.Runner.Handlers))
	for k := range s.Runner.Handlers {
		kinds = append(kinds, k)
	}
	return kinds
}

// instrumentJobs counts and times every job handler; called once every
// handler is registered.
func (s *System) instrumentJobs() {
	for kind, h := range s.Runner.Handlers {
		s.Runner.Handlers[kind] = jobs.Handler(s.metrics.Job(kind, h))
	}
}
