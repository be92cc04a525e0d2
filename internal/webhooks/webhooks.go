// Package webhooks tells partners' systems about every state change of an
// application: an account registers endpoints for its own applications,
// the provider registers endpoints for all of them. Deliveries are written
// in the transaction of the change (a storage transition hook), posted by
// the job queue with retries and backoff, signed with HMAC-SHA256 and
// timestamped (Standard Webhooks), logged per attempt, and replayable by
// staff. docs/webhooks.md is the partner's guide.
package webhooks

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"beian/internal/filing"
	"beian/internal/jobs"
	"beian/internal/pii"
	"beian/internal/storage"
)

// Names on the wire and in the queue.
const (
	// EventStateChanged is the type of every event: an application moved.
	EventStateChanged = "application.state_changed"
	// JobDeliver posts one delivery.
	JobDeliver = "webhooks.deliver"
	// MaxPerAccount bounds an account's active endpoints.
	MaxPerAccount = 5
)

// Deps is what the webhooks need.
type Deps struct {
	Store  *storage.Store
	Sealer *pii.Sealer // seals the signing secrets at rest
	Now    func() time.Time
	Log    *slog.Logger
	// BaseURL is where the API lives, for the event's link to the application.
	BaseURL string
	// AllowPrivate lets account endpoints use plain http and private or
	// loopback addresses (labs and tests: BEIAN_WEBHOOKS_PRIVATE=allow).
	// Provider-wide endpoints, which only admins set, may always.
	AllowPrivate bool
	// Timeout bounds one attempt (default 10 s).
	Timeout time.Duration
	// Wake nudges the job runner after a replay is queued.
	Wake func()
}

// Webhooks announces, delivers and manages webhooks.
type Webhooks struct {
	st           *storage.Store
	seal         *pii.Sealer
	now          func() time.Time
	log          *slog.Logger
	baseURL      string
	allowPrivate bool
	open         *http.Client // provider-wide endpoints
	guarded      *http.Client // account endpoints: public addresses only
	wake         func()
}

// New builds the webhooks.
func New(d Deps) *Webhooks {
	w := &Webhooks{st: d.Store, seal: d.Sealer, now: d.Now, log: d.Log, baseURL: d.BaseURL, allowPrivate: d.AllowPrivate, wake: d.Wake}
	if w.now == nil {
		w.now = d.Store.Now
	}
	if w.log == nil {
		w.log = slog.New(slog.DiscardHandler)
	}
	if d.Timeout <= 0 {
		d.Timeout = 10 * time.Second
	}
	w.open = newClient(d.Timeout, false)
	w.guarded = newClient(d.Timeout, !d.AllowPrivate)
	return w
}

// Event is the body of every delivery.
type Event struct {
	Type      string    `json:"type"`
	Timestamp time.Time `json:"timestamp"`
	Data      EventData `json:"data"`
}

// EventData is one state change of an application. It names the
// application and the change; the application itself (numbers, document)
// is read from the API with the partner's token.
type EventData struct {
	ApplicationID string          `json:"application_id"`
	Flow          string          `json:"flow"`
	Event         string          `json:"event"`
	From          string          `json:"from"`
	To            string          `json:"to"`
	Actor         string          `json:"actor"`
	At            time.Time       `json:"at"`
	Province      string          `json:"province"`
	SubjectName   string          `json:"subject_name"`
	Domains       []string        `json:"domains"`
	Reasons       []filing.Reason `json:"reasons"`
	URL           string          `json:"url"`
}

type deliverJob struct {
	DeliveryID string `json:"delivery_id"`
	Replay     bool   `json:"replay,omitempty"`
	ActorID    string `json:"actor_id,omitempty"`
}

// Announce is the storage transition hook: in the transaction of the
// change, one delivery and one job for every active endpoint the
// application's changes go to. No endpoint, no write.
func (w *Webhooks) Announce(ctx context.Context, tx *storage.Tx, tr *storage.Transition) error {
	eps, err := tx.ActiveWebhookEndpointsFor(ctx, tr.ApplicationID)
	if err != nil || len(eps) == 0 {
		return err
	}
	app, err := tx.Application(ctx, tr.ApplicationID)
	if err != nil {
		return fmt.Errorf("webhooks: application %s: %w", tr.ApplicationID, err)
	}
	ev := Event{Type: EventStateChanged, Timestamp: tr.At.UTC(), Data: EventData{
		ApplicationID: app.ID, Flow: app.Flow, Event: tr.Event, From: tr.From, To: tr.To, Actor: tr.ActorRole,
		At: tr.At.UTC(), Province: app.Province, SubjectName: app.SubjectName, Domains: app.Domains, Reasons: tr.Reasons,
		URL: w.baseURL + "/api/v1/applications/" + app.ID,
	}}
	if ev.Data.Domains == nil {
		ev.Data.Domains = []string{}
	}
	if ev.Data.Reasons == nil {
		ev.Data.Reasons = []filing.Reason{}
	}
	body, err := json.Marshal(ev)
	if err != nil {
		return err
	}
	now := w.now()
	for _, ep := range eps {
		d := &storage.WebhookDelivery{EndpointID: ep.ID, TransitionID: tr.ID, ApplicationID: app.ID, Event: EventStateChanged,
			Payload: string(body), CreatedAt: now}
		created, err := tx.AddWebhookDelivery(ctx, d)
		if err != nil {
			return err
		}
		if created {
			if err := tx.Enqueue(ctx, JobDeliver, deliverJob{DeliveryID: d.ID}, "webhook:"+d.ID, now); err != nil {
				return err
			}
		}
	}
	return nil
}

// Handlers are the job handlers to register with the runner.
func (w *Webhooks) Handlers() map[string]jobs.Handler {
	return map[string]jobs.Handler{JobDeliver: w.runDeliver}
}
