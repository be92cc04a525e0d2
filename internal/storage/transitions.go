package storage

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/google/uuid"

	"beian/internal/filing"
)

// Transition is one recorded state change of an application.
type Transition struct {
	ID            string
	ApplicationID string
	Seq           int
	At            time.Time
	ActorID       string
	ActorRole     string // applicant | reviewer | admin | bureau | system
	Event         string
	From, To      string
	Reasons       []filing.Reason
	Document      string // sealed snapshot of the document at this moment, may be empty
}

// AddTransition records a transition, numbering it after the application's last.
func (t *Tx) AddTransition(ctx context.Context, tr *Transition) error {
	if tr.ID == "" {
		tr.ID = uuid.Must(uuid.NewV7()).String()
	}
	if err := t.queryRow(ctx, `SELECT COALESCE(MAX(seq), 0) + 1 FROM transitions WHERE application_id = ?`, tr.ApplicationID).Scan(&tr.Seq); err != nil {
		return fmt.Errorf("transition seq: %w", translate(err))
	}
	reasons := tr.Reasons
	if reasons == nil {
		reasons = []filing.Reason{}
	}
	b, err := json.Marshal(reasons)
	if err != nil {
		return fmt.Errorf("transition reasons: %w", err)
	}
	_, err = t.exec(ctx, `INSERT INTO transitions (id, application_id, seq, at, actor_id, actor_role, event, from_state, to_state, reasons, document)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		tr.ID, tr.ApplicationID, tr.Seq, ms(tr.At), tr.ActorID, tr.ActorRole, tr.Event, tr.From, tr.To, string(b), tr.Document)
	if err != nil {
		return fmt.Errorf("add transition: %w", err)
	}
	if h := t.s.transitionHook; h != nil {
		return h(ctx, t, tr)
	}
	return nil
}

// TransitionHook runs in the transaction of every recorded state change,
// after the transition row is written: what it writes commits or rolls
// back with the change (the partner webhooks' deliveries).
type TransitionHook func(ctx context.Context, tx *Tx, tr *Transition) error

// OnTransition sets the hook (replacing an earlier one: a system built
// again on the same store sets it again); the wiring calls it before the
// store serves.
func (s *Store) OnTransition(h TransitionHook) { s.transitionHook = h }

// Transitions lists an application's history, oldest first.
func (rd Reader) Transitions(ctx context.Context, applicationID string) ([]*Transition, error) {
	rows, err := rd.db.query(ctx, `SELECT id, application_id, seq, at, actor_id, actor_role, event, from_state, to_state, reasons, document
		FROM transitions WHERE application_id = ? ORDER BY seq`, applicationID)
	if err != nil {
		return nil, fmt.Errorf("transitions: %w", err)
	}
	defer rows.Close()
	var out []*Transition
	for rows.Next() {
		var tr Transition
		var at int64
		var reasons string
		if err := rows.Scan(&tr.ID, &tr.ApplicationID, &tr.Seq, &at, &tr.ActorID, &tr.ActorRole, &tr.Event, &tr.From, &tr.To, &reasons, &tr.Document); err != nil {
			return nil, translate(err)
		}
		tr.At = fromMS(at)
		if err := json.Unmarshal([]byte(reasons), &tr.Reasons); err != nil {
			return nil, fmt.Errorf("transition %s reasons: %w", tr.ID, err)
		}
		out = append(out, &tr)
	}
	return out, translate(rows.Err())
}
