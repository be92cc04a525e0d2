package app

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"beian/internal/bureau"
	"beian/internal/config"
	"beian/internal/jobs"
	"beian/internal/notify"
	"beian/internal/pii"
	"beian/internal/service"
	"beian/internal/storage"
	"beian/internal/workdays"
)

// bureauParts is the bureau adapter of the configured mode, as the service
// and the job runner take it.
type bureauParts struct {
	bureau   bureau.Bureau
	sms      bureau.SMSCheck // nil in relay mode: the leaders confirm at the bureau's site
	console  bureau.Console
	keys     func(certType, certNumber, domain string) storage.RegistryProbe
	handlers map[string]jobs.Handler
	// connect gives the adapter the service to report outcomes to.
	connect func(bureau.Outcomes)
	seed    *bureau.Seed
	sim     *bureau.Simulator // the adapter of its mode; the other nil
	relay   *bureau.Relay
}

// registryCacheTTL bounds how long another instance's registry change may
// go unseen here (this instance's changes drop the entries at once).
const registryCacheTTL = 2 * time.Second

// newBureau builds the adapter of cfg.BureauMode: the simulator (auto,
// manual), seeded from BEIAN_BUREAU_SEED or the built-in demo registry, or
// the relay, whose registry mirror is seeded only from a file the operator
// names.
func newBureau(ctx context.Context, cfg config.Config, st *storage.Store, sealer *pii.Sealer, cal *workdays.Calendar,
	notifier *notify.Notifier, now func() time.Time, log *slog.Logger) (*bureauParts, error) {
	o := bureau.Options{Store: st, Sealer: sealer, Calendar: cal, Notifier: notifier, Mode: cfg.BureauMode,
		TimeScale: cfg.BureauTimeScale, Now: now, Log: log}
	seed, err := bureau.LoadSeed(cfg.BureauSeed)
	if err != nil {
		return nil, fmt.Errorf("bureau seed: %w", err)
	}
	var p *bureauParts
	if cfg.BureauMode == bureau.ModeRelay {
		r, err := bureau.NewRelay(o)
		if err != nil {
			return nil, fmt.Errorf("bureau: %w", err)
		}
		if cfg.BureauSeed == "" {
			seed = &bureau.Seed{} // no demo data in front of the real bureau
		}
		if err := r.LoadSeed(ctx, seed); err != nil {
			return nil, fmt.Errorf("bureau seed: %w", err)
		}
		p = &bureauParts{bureau: r, console: r, keys: r.RegistryKeys, handlers: r.Handlers(), connect: func(out bureau.Outcomes) { r.Outcomes = out }, relay: r}
	} else {
		sim, err := bureau.NewSimulator(o)
		if err != nil {
			return nil, fmt.Errorf("bureau: %w", err)
		}
		if err := sim.LoadSeed(ctx, seed); err != nil {
			return nil, fmt.Errorf("bureau seed: %w", err)
		}
		p = &bureauParts{bureau: sim, sms: sim, console: sim, keys: sim.RegistryKeys, handlers: sim.Handlers(), connect: func(out bureau.Outcomes) { sim.Outcomes = out }, sim: sim}
	}
	p.seed = seed
	return p, nil
}

// registry is the pre-check's view of the adapter's registry, cached:
// its tables are in this store, so its changes drop the entries.
func (p *bureauParts) registry(st *storage.Store) service.Registry {
	return service.CachedRegistry(service.BureauRegistry(p.bureau), registryCacheTTL, 8192, st.PublicGeneration)
}
