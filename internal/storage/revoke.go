package storage

import (
	"context"
	"fmt"
)

// RevokeAccountSessions ends every session of an account (an admin's
// revocation) and returns how many there were.
func (t *Tx) RevokeAccountSessions(ctx context.Context, accountID string) (int64, error) {
	res, err := t.exec(ctx, `DELETE FROM sessions WHERE account_id = ?`, accountID)
	if err != nil {
		return 0, fmt.Errorf("revoke sessions: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("revoke sessions: %w", err)
	}
	return n, nil
}
