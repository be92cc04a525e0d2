package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"runtime/debug"
	"time"

	"beian/internal/clock"
	"beian/internal/config"
	"beian/internal/storage"
)

func newLogger(cfg config.Config, w io.Writer) *slog.Logger {
	var lvl slog.Level
	_ = lvl.UnmarshalText([]byte(cfg.LogLevel))
	opts := &slog.HandlerOptions{Level: lvl}
	if cfg.LogFormat == "json" { // one object a line, for log shippers
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

func openStore(ctx context.Context, cfg config.Config, now clock.Clock) (*storage.Store, error) {
	st, err := storage.Open(ctx, cfg.DatabaseURL, now)
	if err != nil {
		return nil, err
	}
	if err := st.Migrate(ctx); err != nil {
		st.Close()
		return nil, err
	}
	return st, nil
}

func migrate(ctx context.Context, cfg config.Config, stdout io.Writer) error {
	st, err := openStore(ctx, cfg, clock.Wall)
	if err != nil {
		return err
	}
	defer st.Close()
	fmt.Fprintln(stdout, "schema is up to date")
	return nil
}

func serve(ctx context.Context, cfg config.Config, stdout, stderr io.Writer) error {
	log := newLogger(cfg, stderr)
	// A soft memory limit makes the collector work harder before the heap
	// grows past the server's budget (300 MB); GOMEMLIMIT overrides it.
	// The budget also holds what the limit does not count: SQLite's page
	// caches (4 readers × 8 MiB, outside the Go heap) and the binary.
	// At 180 MB three back-to-back million-subject runs peaked at 281 MB;
	// at 150 at 252 MB, at the same throughput (the live heap is ~45 MB).
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(150 << 20)
	}
	stopPprof, err := startPprof(cfg.Pprof, stderr)
	if err != nil {
		return err
	}
	defer stopPprof()
	sys, err := New(ctx, cfg, WithLogger(log))
	if err != nil {
		return err
	}
	defer sys.Close()
	st := sys.Store
	warnKeyInDatabase(cfg, log) // rekey.go
	created, pw, err := sys.Service.EnsureAdmin(ctx, cfg.AdminEmail, cfg.AdminPassword)
	if err != nil {
		return fmt.Errorf("first admin: %w", err)
	}
	if created {
		email := cfg.AdminEmail
		if email == "" {
			email = "admin@beian.local"
		}
		if cfg.AdminPassword == "" {
			fmt.Fprintf(stdout, "Created the first admin: %s, password %s (shown once; change it after logging in)\n", email, pw)
		} else {
			fmt.Fprintf(stdout, "Created the first admin: %s\n", email)
		}
	}

	// One overdue-alert job per hourly slot, safe on several instances.
	if err := sys.Service.ScheduleOverdueAlerts(ctx); err != nil {
		return fmt.Errorf("overdue alerts: %w", err)
	}
	// One draft-expiry job per hourly slot too (workflow.md: 30 days).
	if err := sys.Service.ScheduleDraftExpiry(ctx); err != nil {
		return fmt.Errorf("draft expiry: %w", err)
	}

	// Expiry and duty reminders: one job per hourly slot as well.
	if err := sys.Service.ScheduleDutyReminders(ctx); err != nil {
		return fmt.Errorf("duty reminders: %w", err)
	}
	// The compliance monitor's scheduler, one job per slot (BEIAN_MONITOR_EVERY).
	if err := sys.Monitor.Schedule(ctx); err != nil {
		return fmt.Errorf("compliance monitor: %w", err)
	}

	// Workers drain on shutdown: Run returns after the jobs in flight finish.
	wctx, stopWorkers := context.WithCancel(context.WithoutCancel(ctx))
	workersDone := make(chan struct{})
	go func() { sys.Runner.Run(wctx); close(workersDone) }()
	go housekeeping(wctx, sys, st, log)
	defer func() { stopWorkers(); <-workersDone }()
	srv := &http.Server{
		Addr:              cfg.Addr,
		Handler:           sys.Handler(), // headers.go: security headers on every answer
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       60 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Beian is serving at http://%s\n", ln.Addr())
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		if !errors.Is(err, http.ErrServerClosed) {
			return err
		}
	case <-ctx.Done():
	}
	// Not ready any more: the load balancer stops sending while we drain.
	sys.ready.Store(false)
	// Drain in-flight requests before the store closes.
	sctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	return srv.Shutdown(sctx)
}

// housekeeping removes expired sessions and reset tokens every hour,
// sweeps orphaned attachment files, and keeps the planner's statistics current.
func housekeeping(ctx context.Context, sys *System, st *storage.Store, log *slog.Logger) {
	t := time.NewTicker(time.Hour)
	defer t.Stop()
	for {
		if err := sys.Service.Cleanup(ctx); err != nil && ctx.Err() == nil {
			log.Warn("housekeeping", "err", err)
		}
		if _, err := sys.Service.SweepBlobs(ctx); err != nil && ctx.Err() == nil {
			log.Warn("housekeeping: sweep attachment files", "err", err)
		}
		if err := st.Optimize(ctx); err != nil && ctx.Err() == nil {
			log.Warn("housekeeping", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
