package app

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"sync/atomic"
	"time"

	"beian/internal/api"
	"beian/internal/backoffice"
	"beian/internal/blob"
	"beian/internal/bureau"
	"beian/internal/clock"
	"beian/internal/config"
	"beian/internal/domainreg"
	"beian/internal/jobs"
	"beian/internal/metrics"
	"beian/internal/middleware"
	"beian/internal/monitor"
	"beian/internal/notify"
	"beian/internal/rules"
	"beian/internal/service"
	"beian/internal/storage"
	"beian/internal/web"
	"beian/internal/webhooks"
	"beian/internal/workdays"
)

// System is Beian wired: everything `beian serve` runs, built once — and
// what every test of the doors runs too, through the same New.
type System struct {
	Config  config.Config
	Store   *storage.Store
	Service *service.Service
	Runner  *jobs.Runner // the job workers' handlers; Run or RunDue them
	// Notifier sends mail and SMS through the outbox.
	Notifier *notify.Notifier
	// Webhooks are the partner webhooks (app/webhooks.go).
	Webhooks *webhooks.Webhooks
	// Simulator is the bureau simulator (auto, manual mode), Relay the
	// relay (relay mode); the other is nil.
	Simulator *bureau.Simulator
	Relay     *bureau.Relay
	// Monitor is the compliance monitor (app/monitor.go).
	Monitor *monitor.Monitor
	mux     *http.ServeMux
	close   func() error

	metrics *metrics.Metrics
	// instrumented is mux behind the request metrics (what Handler serves).
	instrumented http.Handler
	// ready is what /readyz reports beside the database: true once built,
	// false again when shutdown begins.
	ready atomic.Bool
}

// Option changes how New wires the system.
type Option func(*options)

type options struct {
	now   clock.Clock
	log   *slog.Logger
	blobs blob.Store
	store *storage.Store
	wrap  func(bureau.Bureau) bureau.Bureau
	doms  func(domainreg.Registry) domainreg.Registry
}

// WithDomains wraps the domain registry the service asks (tests set
// registrations that change during a review).
func WithDomains(wrap func(domainreg.Registry) domainreg.Registry) Option {
	return func(o *options) { o.doms = wrap }
}

// WithClock sets business time (default the wall clock); tests pin it.
func WithClock(now clock.Clock) Option { return func(o *options) { o.now = now } }

// WithLogger sets the log (default: discarded).
func WithLogger(log *slog.Logger) Option { return func(o *options) { o.log = log } }

// WithBlobs sets the attachment store (default: Config.BlobURL's).
func WithBlobs(b blob.Store) Option { return func(o *options) { o.blobs = b } }

// WithStore wires an open, migrated store (its clock is business time)
// instead of opening Config.DatabaseURL; Close leaves it open.
func WithStore(st *storage.Store) Option { return func(o *options) { o.store = st } }

// WithBureau wraps the adapter the service hands submissions to (tests: a
// bureau that is briefly unreachable); the registry and the outcomes stay
// the adapter's own.
func WithBureau(wrap func(bureau.Bureau) bureau.Bureau) Option {
	return func(o *options) { o.wrap = wrap }
}

// New wires config → database → storage → services → HTTP → workers. The
// bureau's mode is Config.BureauMode. Business time is the store's clock:
// every component gets that one.
func New(ctx context.Context, cfg config.Config, opts ...Option) (_ *System, err error) {
	o := options{now: clock.Wall, log: slog.New(slog.DiscardHandler)}
	for _, opt := range opts {
		opt(&o)
	}
	log := o.log
	st, closeStore := o.store, func() error { return nil }
	if st == nil {
		if st, err = openStore(ctx, cfg, o.now); err != nil {
			return nil, err
		}
		closeStore = st.Close
		defer func() {
			if err != nil {
				st.Close()
			}
		}()
	}
	st.StartDomainFilter(ctx, log)
	now := st.Now
	sealer, err := newSealer(ctx, cfg, st) // rekey.go: current key plus those before a rotation
	if err != nil {
		return nil, err
	}
	validator, err := rules.New(cfg.Provider)
	if err != nil {
		return nil, fmt.Errorf("rules: %w", err)
	}
	blobs := o.blobs
	if blobs == nil {
		if blobs, err = blob.Open(ctx, cfg.BlobURL); err != nil {
			return nil, fmt.Errorf("attachments: %w", err)
		}
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
	handOver := bp.bureau
	if o.wrap != nil {
		handOver = o.wrap(handOver)
	}

	runner := &jobs.Runner{Store: st, Log: log, Now: now, Handlers: map[string]jobs.Handler{}}
	mets := metrics.New(log)
	for _, hs := range []map[string]jobs.Handler{notifier.Handlers(), bp.handlers} {
		for kind, h := range hs {
			runner.Handlers[kind] = h
		}
	}

	// The domain registry: the simulator, answering from the seed's domains.
	var domains domainreg.Registry
	if domains, err = domainreg.NewSimulator(bp.seed.Domains); err != nil {
		return nil, fmt.Errorf("domain registry: %w", err)
	}
	if o.doms != nil {
		domains = o.doms(domains)
	}
	svc := service.New(service.Deps{
		Store: st, Sealer: sealer, Rules: validator, Blobs: blobs, Config: cfg, Log: log,
		Now: now, Wake: runner.Wake, Requests: mets.Started, Calendar: cal,
		Bureau: handOver, BureauMode: cfg.BureauMode, SMS: bp.sms, Console: bp.console,
		BlobGrace: time.Hour, // backups copy files after their snapshot: replaced files stay an hour
		// The pre-check consults the national registry, not only Beian's records.
		Registry: bp.registry(st), RegistryKeys: bp.keys, Domains: domains,
	})
	for _, hs := range []map[string]jobs.Handler{svc.Handlers(), svc.JobHandlers()} {
		for kind, h := range hs {
			runner.Handlers[kind] = h
		}
	}
	// The bureau reports outcomes (SMS confirmed, approved …) to the service.
	bp.connect(svc)
	hooks, err := newWebhooks(cfg, st, sealer, runner, mets, log) // webhooks.go
	if err != nil {
		return nil, err
	}

	mon, err := newMonitor(cfg, st, sealer, runner, mets, log) // monitor.go
	if err != nil {
		return nil, err
	}

	mux := http.NewServeMux()
	sys := &System{Config: cfg, Store: st, Service: svc, Runner: runner, Notifier: notifier, Webhooks: hooks, Monitor: mon, mux: mux, close: closeStore, metrics: mets,
		Simulator: bp.sim, Relay: bp.relay}
	if err := sys.opsRoutes(cfg, st, log); err != nil { // ops.go: /healthz, /readyz, /metrics
		return nil, err
	}
	// One set of per-IP budgets for both doors: a script cannot sidestep
	// the API's 429s through the HTML forms.
	budgets := middleware.NewBudgets(cfg.RateLimits, now)
	api.New(api.Deps{Service: svc, Validator: validator, Log: log, Now: now, Budgets: budgets, Webhooks: hooks}).Routes(mux)
	ui, err := web.New(web.Deps{Service: svc, Config: cfg, Log: log, Now: now, Budgets: budgets})
	if err != nil {
		return nil, fmt.Errorf("web: %w", err)
	}
	ui.Routes(mux)
	bo, err := backoffice.New(backoffice.Deps{Service: svc, Log: log, Now: now, Webhooks: hooks, Monitor: mon})
	if err != nil {
		return nil, fmt.Errorf("backoffice: %w", err)
	}
	bo.Routes(mux)
	sys.instrumentJobs()
	sys.ready.Store(true)
	return sys, nil
}

// Close closes the store New opened.
func (s *System) Close() error { return s.close() }
