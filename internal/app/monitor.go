package app

import (
	"fmt"
	"log/slog"

	"beian/internal/config"
	"beian/internal/jobs"
	"beian/internal/metrics"
	"beian/internal/monitor"
	"beian/internal/pii"
	"beian/internal/storage"
)

// newMonitor wires the compliance monitor: its jobs on the runner, its
// findings on /metrics. serve schedules its first run (Schedule).
func newMonitor(cfg config.Config, st *storage.Store, sealer *pii.Sealer, runner *jobs.Runner, mets *metrics.Metrics, log *slog.Logger) (*monitor.Monitor, error) {
	m, err := monitor.New(monitor.Deps{Store: st, Sealer: sealer, Config: cfg, Now: st.Now, Log: log, Wake: runner.Wake})
	if err != nil {
		return nil, fmt.Errorf("compliance monitor: %w", err)
	}
	for kind, h := range m.Handlers() {
		runner.Handlers[kind] = h
	}
	if err := mets.Register(
		metrics.NewCountsOf("monitor_websites", "Websites filed and accessed here by their latest compliance check (ok, moved, unreachable, number_missing, number_unlinked, check_failed, unchecked).",
			"result", append([]string{"ok", "check_failed", "unchecked"}, monitor.Problems...), st.MonitorSummaryCounts),
		metrics.NewCountsOf("monitor_problems_open", "Confirmed compliance problems not yet resolved, by kind (the owner was mailed once each).",
			"kind", monitor.Problems, st.MonitorOpenProblemCounts),
	); err != nil {
		return nil, fmt.Errorf("metrics: %w", err)
	}
	return m, nil
}
