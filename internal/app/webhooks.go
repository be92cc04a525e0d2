package app

import (
	"fmt"
	"log/slog"

	"beian/internal/config"
	"beian/internal/jobs"
	"beian/internal/metrics"
	"beian/internal/pii"
	"beian/internal/storage"
	"beian/internal/webhooks"
)

// newWebhooks wires the partner webhooks: every recorded state change
// writes its deliveries in its own transaction (the store's transition
// hook), the runner posts them, /metrics counts them by state.
func newWebhooks(cfg config.Config, st *storage.Store, sealer *pii.Sealer, runner *jobs.Runner, mets *metrics.Metrics, log *slog.Logger) (*webhooks.Webhooks, error) {
	w := webhooks.New(webhooks.Deps{Store: st, Sealer: sealer, Now: st.Now, Log: log, BaseURL: cfg.BaseURL,
		AllowPrivate: cfg.WebhooksPrivate, Wake: runner.Wake})
	st.OnTransition(w.Announce)
	for kind, h := range w.Handlers() {
		runner.Handlers[kind] = h
	}
	if err := mets.Register(metrics.NewCounts("webhook_deliveries", "Webhook deliveries by state (pending: waiting or retrying; failed: gave up, replay from the back office).",
		"state", st.WebhookDeliveryCounts)); err != nil {
		return nil, fmt.Errorf("metrics: %w", err)
	}
	return w, nil
}
