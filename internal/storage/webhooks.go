package storage

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/google/uuid"
)

// Webhook delivery states.
const (
	WebhookPending   = "pending"
	WebhookDelivered = "delivered"
	WebhookFailed    = "failed"
)

// WebhookEndpoint is where an account's (or, with AccountID "", every)
// application's state changes are posted.
type WebhookEndpoint struct {
	ID           string
	AccountID    string // "" is provider-wide
	URL          string
	SecretSealed string
	Description  string
	Active       bool
	CreatedBy    string
	CreatedAt    time.Time
	DisabledAt   time.Time
}

// WebhookDelivery is one state change for one endpoint.
type WebhookDelivery struct {
	ID            string
	EndpointID    string
	TransitionID  string
	ApplicationID string
	Event         string
	Payload       string
	State         string
	Attempts      int
	LastStatus    int
	LastError     string
	CreatedAt     time.Time
	DeliveredAt   time.Time
	// From the endpoint, for lists.
	URL       string
	AccountID string
}

// WebhookAttempt is one try at a delivery.
type WebhookAttempt struct {
	N        int
	At       time.Time
	Status   int
	Error    string
	Duration time.Duration
	Replay   bool
	ActorID  string
}

const endpointCols = `id, account_id, url, secret_sealed, description, active, created_by, created_at, disabled_at`

func scanEndpoint(row scanner) (*WebhookEndpoint, error) {
	var e WebhookEndpoint
	var active int
	var c, d int64
	if err := row.Scan(&e.ID, &e.AccountID, &e.URL, &e.SecretSealed, &e.Description, &active, &e.CreatedBy, &c, &d); err != nil {
		return nil, translate(err)
	}
	e.Active, e.CreatedAt, e.DisabledAt = active == 1, fromMS(c), fromMS(d)
	return &e, nil
}

// AddWebhookEndpoint stores a new endpoint.
func (t *Tx) AddWebhookEndpoint(ctx context.Context, e *WebhookEndpoint) error {
	if e.ID == "" {
		e.ID = uuid.Must(uuid.NewV7()).String()
	}
	e.Active = true
	_, err := t.exec(ctx, `INSERT INTO webhook_endpoints (`+endpointCols+`) VALUES (?, ?, ?, ?, ?, 1, ?, ?, 0)`,
		e.ID, e.AccountID, e.URL, e.SecretSealed, e.Description, e.CreatedBy, ms(e.CreatedAt))
	if err != nil {
		return fmt.Errorf("add webhook endpoint: %w", err)
	}
	return nil
}

// DisableWebhookEndpoint stops an endpoint receiving new deliveries; its
// log stays.
func (t *Tx) DisableWebhookEndpoint(ctx context.Context, id string, at time.Time) error {
	res, err := t.exec(ctx, `UPDATE webhook_endpoints SET active = 0, disabled_at = ? WHERE id = ? AND active = 1`, ms(at), id)
	if err != nil {
		return fmt.Errorf("disable webhook endpoint: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrNotFound
	}
	return nil
}

// WebhookEndpoint reads one endpoint.
func (rd Reader) WebhookEndpoint(ctx context.Context, id string) (*WebhookEndpoint, error) {
	return scanEndpoint(rd.db.queryRow(ctx, `SELECT `+endpointCols+` FROM webhook_endpoints WHERE id = ?`, id))
}

// WebhookEndpoints lists endpoints, newest first: one account's, or with
// all every endpoint (the provider's and every account's).
func (rd Reader) WebhookEndpoints(ctx context.Context, accountID string, all bool) ([]*WebhookEndpoint, error) {
	q, args := `SELECT `+endpointCols+` FROM webhook_endpoints`, []any{}
	if !all {
		q += ` WHERE account_id = ?`
		args = append(args, accountID)
	}
	rows, err := rd.db.query(ctx, q+` ORDER BY created_at DESC, id DESC LIMIT 500`, args...)
	if err != nil {
		return nil, fmt.Errorf("webhook endpoints: %w", translate(err))
	}
	return collect(rows, scanEndpoint)
}

// CountWebhookEndpoints counts an account's active endpoints.
func (rd Reader) CountWebhookEndpoints(ctx context.Context, accountID string) (int, error) {
	var n int
	err := rd.db.queryRow(ctx, `SELECT COUNT(*) FROM webhook_endpoints WHERE account_id = ? AND active = 1`, accountID).Scan(&n)
	return n, translate(err)
}

// ActiveWebhookEndpointsFor lists the active endpoints an application's
// changes go to: its owner's and the provider-wide ones.
func (rd Reader) ActiveWebhookEndpointsFor(ctx context.Context, applicationID string) ([]*WebhookEndpoint, error) {
	rows, err := rd.db.query(ctx, `SELECT e.id, e.account_id, e.url, e.secret_sealed, e.description, e.active, e.created_by, e.created_at, e.disabled_at
		FROM webhook_endpoints e JOIN applications a ON a.id = ?
		WHERE e.active = 1 AND (e.account_id = '' OR e.account_id = a.owner_id) ORDER BY e.id`, applicationID)
	if err != nil {
		return nil, fmt.Errorf("webhook endpoints for %s: %w", applicationID, translate(err))
	}
	return collect(rows, scanEndpoint)
}

// AddWebhookDelivery stores a delivery; false when the endpoint already
// has one for that transition (the hook ran twice), which is kept.
func (t *Tx) AddWebhookDelivery(ctx context.Context, d *WebhookDelivery) (bool, error) {
	if d.ID == "" {
		d.ID = uuid.Must(uuid.NewV7()).String()
	}
	if d.State == "" {
		d.State = WebhookPending
	}
	res, err := t.exec(ctx, `INSERT INTO webhook_deliveries (id, endpoint_id, transition_id, application_id, event, payload, state, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (endpoint_id, transition_id) DO NOTHING`,
		d.ID, d.EndpointID, d.TransitionID, d.ApplicationID, d.Event, d.Payload, d.State, ms(d.CreatedAt))
	if err != nil {
		return false, fmt.Errorf("add webhook delivery: %w", err)
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

const deliveryCols = `d.id, d.endpoint_id, d.transition_id, d.application_id, d.event, d.payload, d.state, d.attempts,
	d.last_status, d.last_error, d.created_at, d.delivered_at, e.url, e.account_id`

func scanDelivery(row scanner) (*WebhookDelivery, error) {
	var d WebhookDelivery
	var c, dl int64
	if err := row.Scan(&d.ID, &d.EndpointID, &d.TransitionID, &d.ApplicationID, &d.Event, &d.Payload, &d.State, &d.Attempts,
		&d.LastStatus, &d.LastError, &c, &dl, &d.URL, &d.AccountID); err != nil {
		return nil, translate(err)
	}
	d.CreatedAt, d.DeliveredAt = fromMS(c), fromMS(dl)
	return &d, nil
}

// WebhookDelivery reads one delivery with its endpoint's URL and account.
func (rd Reader) WebhookDelivery(ctx context.Context, id string) (*WebhookDelivery, error) {
	return scanDelivery(rd.db.queryRow(ctx, `SELECT `+deliveryCols+`
		FROM webhook_deliveries d JOIN webhook_endpoints e ON e.id = d.endpoint_id WHERE d.id = ?`, id))
}

// WebhookDeliveryFilter narrows the delivery log.
type WebhookDeliveryFilter struct {
	EndpointID    string
	AccountID     string // only endpoints of this account ("" with OnlyAccount: provider-wide)
	OnlyAccount   bool
	State         string
	ApplicationID string
	Limit         int
}

// WebhookDeliveries lists deliveries, newest first.
func (rd Reader) WebhookDeliveries(ctx context.Context, f WebhookDeliveryFilter) ([]*WebhookDelivery, error) {
	var w where
	w.eq("d.endpoint_id", f.EndpointID)
	w.and("e.account_id = ?", f.AccountID, f.OnlyAccount)
	w.eq("d.state", f.State)
	w.eq("d.application_id", f.ApplicationID)
	q := `SELECT ` + deliveryCols + ` FROM webhook_deliveries d JOIN webhook_endpoints e ON e.id = d.endpoint_id WHERE 1 = 1` + w.sql
	limit := f.Limit
	if limit <= 0 || limit > 500 {
		limit = 200 // a bound past 500 means the default, not 500
	}
	args := append(w.args, limit)
	rows, err := rd.db.query(ctx, q+` ORDER BY d.created_at DESC, d.id DESC LIMIT ?`, args...)
	if err != nil {
		return nil, fmt.Errorf("webhook deliveries: %w", translate(err))
	}
	return collect(rows, scanDelivery)
}

// WebhookDeliveryForUpdate reads a delivery in tx, locking it on
// PostgreSQL so two workers cannot record the same attempt.
func (t *Tx) WebhookDeliveryForUpdate(ctx context.Context, id string) (*WebhookDelivery, error) {
	lock := ""
	if t.s.pg {
		lock = " FOR UPDATE OF d"
	}
	return scanDelivery(t.queryRow(ctx, `SELECT `+deliveryCols+`
		FROM webhook_deliveries d JOIN webhook_endpoints e ON e.id = d.endpoint_id WHERE d.id = ?`+lock, id))
}

// RecordWebhookAttempt logs one attempt and sets the delivery's state.
func (t *Tx) RecordWebhookAttempt(ctx context.Context, deliveryID string, a WebhookAttempt, state string) error {
	var n sql.NullInt64
	if err := t.queryRow(ctx, `SELECT MAX(n) FROM webhook_attempts WHERE delivery_id = ?`, deliveryID).Scan(&n); err != nil {
		return fmt.Errorf("webhook attempt: %w", translate(err))
	}
	a.N = int(n.Int64) + 1
	replay := 0
	if a.Replay {
		replay = 1
	}
	if _, err := t.exec(ctx, `INSERT INTO webhook_attempts (delivery_id, n, at, status, error, duration_ms, replay, actor_id)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, deliveryID, a.N, ms(a.At), a.Status, a.Error, a.Duration.Milliseconds(), replay, a.ActorID); err != nil {
		return fmt.Errorf("webhook attempt: %w", err)
	}
	q, args := `UPDATE webhook_deliveries SET state = ?, attempts = attempts + 1, last_status = ?, last_error = ? WHERE id = ?`,
		[]any{state, a.Status, a.Error, deliveryID}
	if state == WebhookDelivered {
		q = `UPDATE webhook_deliveries SET state = ?, attempts = attempts + 1, last_status = ?, last_error = ?, delivered_at = ? WHERE id = ?`
		args = []any{state, a.Status, a.Error, ms(a.At), deliveryID}
	}
	if _, err := t.exec(ctx, q, args...); err != nil {
		return fmt.Errorf("webhook delivery state: %w", err)
	}
	return nil
}

// SetWebhookDeliveryState sets a delivery's state (a replay puts it back to pending).
func (t *Tx) SetWebhookDeliveryState(ctx context.Context, id, state string) error {
	_, err := t.exec(ctx, `UPDATE webhook_deliveries SET state = ? WHERE id = ?`, state, id)
	return err
}

// WebhookAttempts lists a delivery's attempts, oldest first.
func (rd Reader) WebhookAttempts(ctx context.Context, deliveryID string) ([]WebhookAttempt, error) {
	rows, err := rd.db.query(ctx, `SELECT n, at, status, error, duration_ms, replay, actor_id FROM webhook_attempts
		WHERE delivery_id = ? ORDER BY n`, deliveryID)
	if err != nil {
		return nil, fmt.Errorf("webhook attempts: %w", translate(err))
	}
	defer rows.Close()
	var out []WebhookAttempt
	for rows.Next() {
		var a WebhookAttempt
		var at, dur int64
		var replay int
		if err := rows.Scan(&a.N, &at, &a.Status, &a.Error, &dur, &replay, &a.ActorID); err != nil {
			return nil, translate(err)
		}
		a.At, a.Duration, a.Replay = fromMS(at), time.Duration(dur)*time.Millisecond, replay == 1
		out = append(out, a)
	}
	return out, translate(rows.Err())
}

// WebhookDeliveryCounts counts deliveries by state (the metrics).
func (rd Reader) WebhookDeliveryCounts(ctx context.Context) (map[string]int, error) {
	out := map[string]int{WebhookPending: 0, WebhookDelivered: 0, WebhookFailed: 0}
	rows, err := rd.db.query(ctx, `SELECT state, COUNT(*) FROM webhook_deliveries GROUP BY state`)
	if err != nil {
		return nil, fmt.Errorf("webhook delivery counts: %w", translate(err))
	}
	return counted(rows, out)
}
