package webhooks

import (
	"beian/internal/filing"
	"context"
	"encoding/json"
	"errors"
	"net/netip"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"

	"beian/internal/fault"
	"beian/internal/service"
	"beian/internal/storage"
)

// Endpoint is an endpoint as its owner and staff see it (never its secret).
type Endpoint struct {
	ID          string `json:"id"`
	URL         string `json:"url"`
	Description string `json:"description"`
	Scope       string `json:"scope"` // account | provider
	AccountID   string `json:"account_id,omitempty"`
	// AccountEmail names the account, for staff.
	AccountEmail string    `json:"account_email,omitempty"`
	Active       bool      `json:"active"`
	CreatedAt    time.Time `json:"created_at"`
}

// Scopes of an endpoint.
const (
	ScopeAccount  = "account"
	ScopeProvider = "provider"
)

// Delivery is one delivery with its attempts.
type Delivery struct {
	ID            string          `json:"id"`
	EndpointID    string          `json:"endpoint_id"`
	URL           string          `json:"url"`
	ApplicationID string          `json:"application_id"`
	Event         string          `json:"event"`
	State         string          `json:"state"`
	Attempts      int             `json:"attempts"`
	LastStatus    int             `json:"last_status"`
	LastError     string          `json:"last_error"`
	CreatedAt     time.Time       `json:"created_at"`
	DeliveredAt   *time.Time      `json:"delivered_at"`
	Payload       json.RawMessage `json:"payload"`
	Log           []Attempt       `json:"log,omitempty"`
}

// Attempt is one try at a delivery.
type Attempt struct {
	N          int       `json:"n"`
	At         time.Time `json:"at"`
	Status     int       `json:"status"`
	Error      string    `json:"error"`
	DurationMS int64     `json:"duration_ms"`
	Replay     bool      `json:"replay"`
}

// CreateInput is a new endpoint. Provider (admins only) makes it
// provider-wide; AccountEmail (admins only) makes it another account's.
type CreateInput struct {
	URL          string `json:"url"`
	Description  string `json:"description"`
	Provider     bool   `json:"provider"`
	AccountEmail string `json:"account_email"`
}

func endpointView(e *storage.WebhookEndpoint) Endpoint {
	v := Endpoint{ID: e.ID, URL: e.URL, Description: e.Description, Scope: ScopeAccount, AccountID: e.AccountID,
		Active: e.Active, CreatedAt: e.CreatedAt.UTC()}
	if e.AccountID == "" {
		v.Scope = ScopeProvider
	}
	return v
}

func deliveryView(d *storage.WebhookDelivery) Delivery {
	v := Delivery{ID: d.ID, EndpointID: d.EndpointID, URL: d.URL, ApplicationID: d.ApplicationID, Event: d.Event, State: d.State,
		Attempts: d.Attempts, LastStatus: d.LastStatus, LastError: d.LastError, CreatedAt: d.CreatedAt.UTC(),
		Payload: json.RawMessage(d.Payload)}
	if !d.DeliveredAt.IsZero() {
		t := d.DeliveredAt.UTC()
		v.DeliveredAt = &t
	}
	return v
}

func isAdmin(a *service.Account) bool { return a != nil && a.Role == service.RoleAdmin }

// checkURL refuses what cannot be an endpoint: not http(s), credentials
// in the URL, no host; for account endpoints plain http and literal
// non-public addresses too (unless labs allow them).
func (w *Webhooks) checkURL(raw string, account bool) (string, error) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return "", fault.NewViolation("webhook.url.required", "url")
	}
	if len(raw) > 2000 || !utf8.ValidString(raw) {
		return "", fault.NewViolation("webhook.url.invalid", "url")
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.User != nil || u.Fragment != "" {
		return "", fault.NewInvalid([]filing.Violation{fault.Violation("webhook.url.invalid", "url", "rule.webhook.url.invalid.form")})
	}
	if account && !w.allowPrivate {
		if u.Scheme != "https" {
			return "", fault.NewViolation("webhook.url.insecure", "url")
		}
		if ip, err := netip.ParseAddr(strings.Trim(u.Hostname(), "[]")); err == nil && !Public(ip) {
			return "", fault.NewViolation("webhook.url.private", "url")
		}
		if h := strings.ToLower(u.Hostname()); h == "localhost" || strings.HasSuffix(h, ".localhost") {
			return "", fault.NewViolation("webhook.url.private", "url")
		}
	}
	return u.String(), nil
}

// Create registers an endpoint and returns its signing secret, shown this
// once. An account registers its own (at most MaxPerAccount); an admin may
// register provider-wide ones and another account's.
func (w *Webhooks) Create(ctx context.Context, a *service.Account, in CreateInput) (Endpoint, string, error) {
	if a == nil {
		return Endpoint{}, "", fault.NewUnauthorized()
	}
	owner := a.ID
	switch {
	case in.Provider || in.AccountEmail != "":
		if !isAdmin(a) {
			return Endpoint{}, "", fault.NewForbidden()
		}
		owner = ""
		if in.AccountEmail != "" && !in.Provider {
			acc, err := w.st.AccountByEmail(ctx, strings.ToLower(strings.TrimSpace(in.AccountEmail)))
			if errors.Is(err, storage.ErrNotFound) {
				return Endpoint{}, "", fault.NewViolation("webhook.account.unknown", "account_email")
			} else if err != nil {
				return Endpoint{}, "", err
			}
			owner = acc.ID
		}
	}
	u, err := w.checkURL(in.URL, owner != "")
	if err != nil {
		return Endpoint{}, "", err
	}
	desc := strings.TrimSpace(in.Description)
	if utf8.RuneCountInString(desc) > 200 {
		return Endpoint{}, "", fault.NewViolation("field.too_long", "description")
	}
	secret := NewSecret()
	e := &storage.WebhookEndpoint{ID: uuid.Must(uuid.NewV7()).String(), AccountID: owner, URL: u, SecretSealed: w.seal.Seal(secret),
		Description: desc, CreatedBy: a.ID, CreatedAt: w.now()}
	err = w.st.Tx(ctx, func(tx *storage.Tx) error {
		if owner != "" {
			n, err := tx.CountWebhookEndpoints(ctx, owner)
			if err != nil {
				return err
			}
			if n >= MaxPerAccount {
				return fault.Words(fault.Conflict, "webhook.too_many", "error.webhook.too_many")
			}
		}
		if err := tx.AddWebhookEndpoint(ctx, e); err != nil {
			return err
		}
		return tx.Audit(ctx, &storage.AuditEntry{At: e.CreatedAt, ActorID: a.ID, ActorRole: a.Role, Action: "webhook.create",
			ObjectType: "webhook_endpoint", ObjectID: e.ID, Detail: endpointView(e).Scope})
	})
	if err != nil {
		return Endpoint{}, "", err
	}
	return endpointView(e), secret, nil
}

// mayManage reports whether a may see and change the endpoint: its owner,
// or an admin (every endpoint); staff read the provider's too.
func mayManage(a *service.Account, e *storage.WebhookEndpoint) bool {
	return a != nil && (isAdmin(a) || (e.AccountID != "" && e.AccountID == a.ID))
}

// Endpoints lists the account's endpoints; staff see every endpoint.
func (w *Webhooks) Endpoints(ctx context.Context, a *service.Account) ([]Endpoint, error) {
	if a == nil {
		return nil, fault.NewUnauthorized()
	}
	rows, err := w.st.WebhookEndpoints(ctx, a.ID, a.IsStaff())
	if err != nil {
		return nil, err
	}
	out := make([]Endpoint, 0, len(rows))
	emails := map[string]string{}
	for _, e := range rows {
		v := endpointView(e)
		if a.IsStaff() && e.AccountID != "" {
			if _, ok := emails[e.AccountID]; !ok {
				if acc, err := w.st.AccountByID(ctx, e.AccountID); err == nil {
					emails[e.AccountID] = acc.Email
				}
			}
			v.AccountEmail = emails[e.AccountID]
		}
		out = append(out, v)
	}
	return out, nil
}

// Disable stops an endpoint; its log stays. Its owner or an admin.
func (w *Webhooks) Disable(ctx context.Context, a *service.Account, id string) error {
	e, err := w.st.WebhookEndpoint(ctx, id)
	if errors.Is(err, storage.ErrNotFound) || (err == nil && !mayManage(a, e)) {
		return fault.NewNotFound()
	} else if err != nil {
		return err
	}
	now := w.now()
	err = w.st.Tx(ctx, func(tx *storage.Tx) error {
		if err := tx.DisableWebhookEndpoint(ctx, id, now); err != nil {
			return err
		}
		return tx.Audit(ctx, &storage.AuditEntry{At: now, ActorID: a.ID, ActorRole: a.Role, Action: "webhook.disable",
			ObjectType: "webhook_endpoint", ObjectID: id})
	})
	if errors.Is(err, storage.ErrNotFound) {
		return nil // disabled already
	}
	return err
}

// DeliveryFilter narrows the log.
type DeliveryFilter struct {
	EndpointID    string
	State         string
	ApplicationID string
	Limit         int
}

// Deliveries is the log, newest first: an account's own endpoints', or
// for staff every endpoint's.
func (w *Webhooks) Deliveries(ctx context.Context, a *service.Account, f DeliveryFilter) ([]Delivery, error) {
	if a == nil {
		return nil, fault.NewUnauthorized()
	}
	switch f.State {
	case "", storage.WebhookPending, storage.WebhookDelivered, storage.WebhookFailed:
	default:
		return nil, fault.NewViolation("webhook.state.invalid", "state")
	}
	sf := storage.WebhookDeliveryFilter{EndpointID: f.EndpointID, State: f.State, ApplicationID: f.ApplicationID, Limit: f.Limit}
	if !a.IsStaff() {
		sf.OnlyAccount, sf.AccountID = true, a.ID
	}
	rows, err := w.st.WebhookDeliveries(ctx, sf)
	if err != nil {
		return nil, err
	}
	out := make([]Delivery, 0, len(rows))
	for _, d := range rows {
		out = append(out, deliveryView(d))
	}
	return out, nil
}

// Delivery is one delivery with every attempt: its endpoint's owner, or staff.
func (w *Webhooks) Delivery(ctx context.Context, a *service.Account, id string) (Delivery, error) {
	d, err := w.st.WebhookDelivery(ctx, id)
	if errors.Is(err, storage.ErrNotFound) || (err == nil && !mayRead(a, d)) {
		return Delivery{}, fault.NewNotFound()
	} else if err != nil {
		return Delivery{}, err
	}
	v := deliveryView(d)
	atts, err := w.st.WebhookAttempts(ctx, id)
	if err != nil {
		return Delivery{}, err
	}
	for _, at := range atts {
		v.Log = append(v.Log, Attempt{N: at.N, At: at.At.UTC(), Status: at.Status, Error: at.Error, DurationMS: at.Duration.Milliseconds(), Replay: at.Replay})
	}
	return v, nil
}

func mayRead(a *service.Account, d *storage.WebhookDelivery) bool {
	return a != nil && (a.IsStaff() || (d.AccountID != "" && d.AccountID == a.ID))
}

// Replay sends a delivery again, whatever its state, with the same id and
// body (a receiver that already has it can tell) and a fresh signature.
// Staff, or the endpoint's owner.
func (w *Webhooks) Replay(ctx context.Context, a *service.Account, id string) error {
	d, err := w.st.WebhookDelivery(ctx, id)
	if errors.Is(err, storage.ErrNotFound) || (err == nil && !mayRead(a, d)) {
		return fault.NewNotFound()
	} else if err != nil {
		return err
	}
	now := w.now()
	err = w.st.Tx(ctx, func(tx *storage.Tx) error {
		if err := tx.SetWebhookDeliveryState(ctx, id, storage.WebhookPending); err != nil {
			return err
		}
		key := "webhook-replay:" + id + ":" + uuid.Must(uuid.NewV7()).String()
		if err := tx.Enqueue(ctx, JobDeliver, deliverJob{DeliveryID: id, Replay: true, ActorID: a.ID}, key, now); err != nil {
			return err
		}
		return tx.Audit(ctx, &storage.AuditEntry{At: now, ActorID: a.ID, ActorRole: a.Role, Action: "webhook.replay",
			ObjectType: "webhook_delivery", ObjectID: id, Detail: d.ApplicationID})
	})
	if err != nil {
		return err
	}
	if w.wake != nil {
		w.wake()
	}
	return nil
}
