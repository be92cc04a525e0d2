package storage

import (
	"context"
	"fmt"
	"time"
)

// Submission handoffs (migration 00030): the submission an application was
// last handed to the bureau under. Outcomes name their submission; one of
// an older submission is stale.

// SetSubmissionHandoff records submissionID as appID's current submission.
func (t *Tx) SetSubmissionHandoff(ctx context.Context, appID, submissionID string, at time.Time) error {
	_, err := t.exec(ctx, `INSERT INTO submission_handoffs (application_id, submission_id, handed_at) VALUES (?, ?, ?)
		ON CONFLICT (application_id) DO UPDATE SET submission_id = excluded.submission_id, handed_at = excluded.handed_at`,
		appID, submissionID, ms(at))
	if err != nil {
		return fmt.Errorf("submission handoff %s: %w", appID, err)
	}
	return nil
}

// SubmissionHandoff is appID's current submission id; ErrNotFound when it
// was never handed over.
func (t *Tx) SubmissionHandoff(ctx context.Context, appID string) (string, error) {
	var id string
	if err := t.queryRow(ctx, `SELECT submission_id FROM submission_handoffs WHERE application_id = ?`, appID).Scan(&id); err != nil {
		return "", fmt.Errorf("submission handoff %s: %w", appID, translate(err))
	}
	return id, nil
}

// SubmissionHandoff outside a transaction.
func (s *Store) SubmissionHandoff(ctx context.Context, appID string) (string, error) {
	var id string
	if err := s.queryRow(ctx, `SELECT submission_id FROM submission_handoffs WHERE application_id = ?`, appID).Scan(&id); err != nil {
		return "", fmt.Errorf("submission handoff %s: %w", appID, translate(err))
	}
	return id, nil
}
