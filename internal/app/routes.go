package app

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"time"

	"beian/internal/api"
	"beian/internal/backoffice"
	"beian/internal/blob"
	"beian/internal/config"
	"beian/internal/jobs"
	"beian/internal/middleware"
	"beian/internal/notify"
	"beian/internal/rules"
	"beian/internal/service"
	"beian/internal/storage"
	"beian/internal/web"
	"beian/internal/workdays"
)

// system is everything `beian serve` runs, built once.
type system struct {
	svc    *service.Service
	runner *jobs.Runner
	mux    *http.ServeMux
}

// build wires config → storage → services → HTTP → workers.
// Business time is the store's clock (the wall clock in `serve`, a pinned
// one in tests): every component gets that one.
func build(ctx context.Context, cfg config.Config, log *slog.Logger, st *storage.Store) (*system, error) {
	now := st.Now
	sealer, err := newSealer(ctx, cfg, st) // rekey.go: current key plus those before a rotation
	if err != nil {
		return nil, err
	}
	validator, err := rules.New(cfg.Provider)
	if err != nil {
		return nil, fmt.Errorf("rules: %w", err)
	}
	blobs, err := blob.Open(ctx, cfg.BlobURL)
	if err != nil {
		return nil, fmt.Errorf("attachments: %w", err)
	}
	notifier, err := notify.New(cfg, st, sealer)
	if err != nil {
		return nil, fmt.Errorf("notifications: %w", err)
	}

	cal, err := workdays.New(cfg.Provider.HolidayOverrides)
	if err != nil {
		return nil, fmt.Errorf("holiday overrides: %w", err)
	}
	cal.WithLog(log)

	// The bureau adapter of the mode: the simulator (its registry seeded
	// once, idempotently, from BEIAN_BUREAU_SEED or the built-in demo
	// seed) or the relay to the real bureau.
	bp, err := newBureau(ctx, cfg, st, sealer, cal, notifier, now, log)
	if err != nil {
		return nil, err
	}

	runner := &jobs.Runner{Store: st, Log: log, Now: now, Handlers: map[string]jobs.Handler{}}
	for _, hs := range []map[string]jobs.Handler{notifier.Handlers(), bp.handlers} {
		for kind, h := range hs {
			runner.Handlers[kind] = h
		}
	}

	svc := service.New(service.Deps{
		Store: st, Sealer: sealer, Rules: validator, Blobs: blobs, Config: cfg, Log: log,
		Now: now, Wake: runner.Wake, Calendar: cal,
		Bureau: bp.bureau, BureauMode: cfg.BureauMode, SMS: bp.sms, Console: bp.console,
		BlobGrace: time.Hour, // backups copy files after their snapshot: replaced files stay an hour
		// The pre-check consults the national registry, not only Beian's records.
		Registry: bp.registry(st), RegistryKeys: bp.keys,
	})
	for _, hs := range []map[string]jobs.Handler{svc.Handlers(), svc.JobHandlers()} {
		for kind, h := range hs {
			runner.Handlers[kind] = h
		}
	}
	// The bureau reports outcomes (SMS confirmed, approved …) to the service.
	bp.connect(svc)

	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		if err := st.Ping(r.Context()); err != nil {
			http.Error(w, "database unavailable", http.StatusServiceUnavailable)
			return
		}
		io.WriteString(w, "ok\n")
	})
	// One set of per-IP budgets for both doors: a script cannot sidestep
	// the API's 429s through the HTML forms.
	budgets := middleware.NewBudgets(cfg.RateLimits, now)
	api.New(api.Deps{Service: svc, Validator: validator, Log: log, Now: now, Budgets: budgets}).Routes(mux)
	ui, err := web.New(web.Deps{Service: svc, Config: cfg, Log: log, Now: now, Budgets: budgets})
	if err != nil {
		return nil, fmt.Errorf("web: %w", err)
	}
	ui.Routes(mux)
	bo, err := backoffice.New(backoffice.Deps{Service: svc, Log: log, Now: now})
	if err != nil {
		return nil, fmt.Errorf("backoffice: %w", err)
	}
	bo.Routes(mux)
	return &system{svc: svc, runner: runner, mux: mux}, nil
}
