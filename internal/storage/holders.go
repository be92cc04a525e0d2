package storage

import (
	"context"
	"fmt"
	"time"
)

// HolderConfirmation is a reviewer's confirmation of one website's
// declared domain holder and its proof.
type HolderConfirmation struct {
	ID, ApplicationID, ConfirmedBy string
	Website                        int
	// Round is the submission it belongs to: the how-manieth time the
	// application entered initial review.
	Round       int
	ConfirmedAt time.Time
}

// AddHolderConfirmation records a confirmation.
func (t *Tx) AddHolderConfirmation(ctx context.Context, c *HolderConfirmation) error {
	_, err := t.exec(ctx, `INSERT INTO holder_confirmations (id, application_id, website, round, confirmed_by, confirmed_at) VALUES (?, ?, ?, ?, ?, ?)`,
		c.ID, c.ApplicationID, c.Website, c.Round, c.ConfirmedBy, ms(c.ConfirmedAt))
	if err != nil {
		return fmt.Errorf("add holder confirmation: %w", translate(err))
	}
	return nil
}

// HolderConfirmations are an application's confirmations, oldest first.
func (rd Reader) HolderConfirmations(ctx context.Context, appID string) ([]*HolderConfirmation, error) {
	rows, err := rd.db.query(ctx, `SELECT id, application_id, website, round, confirmed_by, confirmed_at FROM holder_confirmations
		WHERE application_id = ? ORDER BY confirmed_at, id`, appID)
	if err != nil {
		return nil, fmt.Errorf("holder confirmations: %w", translate(err))
	}
	defer rows.Close()
	var out []*HolderConfirmation
	for rows.Next() {
		c := &HolderConfirmation{}
		var at int64
		if err := rows.Scan(&c.ID, &c.ApplicationID, &c.Website, &c.Round, &c.ConfirmedBy, &at); err != nil {
			return nil, translate(err)
		}
		c.ConfirmedAt = fromMS(at)
		out = append(out, c)
	}
	return out, translate(rows.Err())
}
