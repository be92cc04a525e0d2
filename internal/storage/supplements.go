package storage

import (
	"context"
	"fmt"
	"time"
)

// SupplementRequest is a reviewer's request for a supplementary document.
type SupplementRequest struct {
	ID, ApplicationID, Note, RequestedBy string
	RequestedAt                          time.Time
}

// AddSupplementRequest records a request.
func (t *Tx) AddSupplementRequest(ctx context.Context, r *SupplementRequest) error {
	_, err := t.exec(ctx, `INSERT INTO supplement_requests (id, application_id, note, requested_by, requested_at) VALUES (?, ?, ?, ?, ?)`,
		r.ID, r.ApplicationID, r.Note, r.RequestedBy, ms(r.RequestedAt))
	if err != nil {
		return fmt.Errorf("add supplement request: %w", translate(err))
	}
	return nil
}

// SupplementRequests are an application's requests, oldest first.
func (rd Reader) SupplementRequests(ctx context.Context, appID string) ([]*SupplementRequest, error) {
	rows, err := rd.db.query(ctx, `SELECT id, application_id, note, requested_by, requested_at FROM supplement_requests
		WHERE application_id = ? ORDER BY requested_at, id`, appID)
	if err != nil {
		return nil, fmt.Errorf("supplement requests: %w", translate(err))
	}
	defer rows.Close()
	var out []*SupplementRequest
	for rows.Next() {
		r := &SupplementRequest{}
		var at int64
		if err := rows.Scan(&r.ID, &r.ApplicationID, &r.Note, &r.RequestedBy, &at); err != nil {
			return nil, translate(err)
		}
		r.RequestedAt = fromMS(at)
		out = append(out, r)
	}
	return out, translate(rows.Err())
}
