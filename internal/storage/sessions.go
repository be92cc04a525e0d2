package storage

import (
	"context"
	"fmt"
	"time"
)

// Session is a login, found by the SHA-256 of its token.
type Session struct {
	TokenHash string
	AccountID string
	Kind      string // api | web
	IP        string
	CreatedAt time.Time
	ExpiresAt time.Time
}

// CreateSession stores a session.
func (t *Tx) CreateSession(ctx context.Context, s *Session) error {
	_, err := t.exec(ctx, `INSERT INTO sessions (token_hash, account_id, kind, ip, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)`,
		s.TokenHash, s.AccountID, s.Kind, s.IP, ms(s.CreatedAt), ms(s.ExpiresAt))
	if err != nil {
		return fmt.Errorf("create session: %w", err)
	}
	return nil
}

// SessionAccount returns the account of a session that has not expired at now.
func (rd Reader) SessionAccount(ctx context.Context, tokenHash string, now time.Time) (*Account, *Session, error) {
	row := rd.db.queryRow(ctx, `SELECT s.account_id, s.kind, s.ip, s.created_at, s.expires_at, a.id, a.email, a.phone_sealed, COALESCE(a.phone_hash, ''), a.name, a.role, a.lang, a.password_hash, a.disabled, a.created_at, a.updated_at
		FROM sessions s JOIN accounts a ON a.id = s.account_id
		WHERE s.token_hash = ? AND s.expires_at > ?`, tokenHash, ms(now))
	var sess Session
	var a Account
	var created, expires, aCreated, aUpdated int64
	var disabled int
	if err := row.Scan(&sess.AccountID, &sess.Kind, &sess.IP, &created, &expires,
		&a.ID, &a.Email, &a.PhoneSealed, &a.PhoneHash, &a.Name, &a.Role, &a.Lang, &a.PasswordHash, &disabled, &aCreated, &aUpdated); err != nil {
		return nil, nil, fmt.Errorf("session: %w", translate(err))
	}
	sess.TokenHash = tokenHash
	sess.CreatedAt, sess.ExpiresAt = fromMS(created), fromMS(expires)
	a.Disabled = disabled != 0
	a.CreatedAt, a.UpdatedAt = fromMS(aCreated), fromMS(aUpdated)
	return &a, &sess, nil
}

// DeleteSession ends one session; an unknown token is no error.
func (t *Tx) DeleteSession(ctx context.Context, tokenHash string) error {
	if _, err := t.exec(ctx, `DELETE FROM sessions WHERE token_hash = ?`, tokenHash); err != nil {
		return fmt.Errorf("delete session: %w", err)
	}
	return nil
}

// DeleteAccountSessions ends every session of an account (password reset, revocation).
func (t *Tx) DeleteAccountSessions(ctx context.Context, accountID string) error {
	if _, err := t.exec(ctx, `DELETE FROM sessions WHERE account_id = ?`, accountID); err != nil {
		return fmt.Errorf("delete sessions: %w", err)
	}
	return nil
}

// DeleteExpiredSessions removes sessions and reset tokens that ended before now.
func (t *Tx) DeleteExpiredSessions(ctx context.Context, now time.Time) (int64, error) {
	res, err := t.exec(ctx, `DELETE FROM sessions WHERE expires_at <= ?`, ms(now))
	if err != nil {
		return 0, fmt.Errorf("delete expired sessions: %w", err)
	}
	n, _ := res.RowsAffected()
	if _, err := t.exec(ctx, `DELETE FROM password_resets WHERE expires_at <= ?`, ms(now)); err != nil {
		return n, fmt.Errorf("delete expired resets: %w", err)
	}
	return n, nil
}

// PasswordReset is a single-use reset token, found by its SHA-256.
type PasswordReset struct {
	TokenHash string
	AccountID string
	CreatedAt time.Time
	ExpiresAt time.Time
	UsedAt    time.Time
}

// CreatePasswordReset stores a reset token.
func (t *Tx) CreatePasswordReset(ctx context.Context, p *PasswordReset) error {
	_, err := t.exec(ctx, `INSERT INTO password_resets (token_hash, account_id, created_at, expires_at) VALUES (?, ?, ?, ?)`,
		p.TokenHash, p.AccountID, ms(p.CreatedAt), ms(p.ExpiresAt))
	if err != nil {
		return fmt.Errorf("create password reset: %w", err)
	}
	return nil
}

// EndPasswordResets ends every unused reset link of an account: a new link
// or a new password makes the older links worthless.
func (t *Tx) EndPasswordResets(ctx context.Context, accountID string, now time.Time) error {
	if _, err := t.exec(ctx, `UPDATE password_resets SET used_at = ? WHERE account_id = ? AND used_at = 0`, ms(now), accountID); err != nil {
		return fmt.Errorf("end password resets: %w", err)
	}
	return nil
}

// UsePasswordReset marks a token used and returns its account, if the token
// exists, is unused and has not expired at now; otherwise ErrNotFound. Marking
// and checking in one statement makes the token single-use under races.
func (t *Tx) UsePasswordReset(ctx context.Context, tokenHash string, now time.Time) (accountID string, err error) {
	res, err := t.exec(ctx, `UPDATE password_resets SET used_at = ? WHERE token_hash = ? AND used_at = 0 AND expires_at > ?`,
		ms(now), tokenHash, ms(now))
	if err != nil {
		return "", fmt.Errorf("use password reset: %w", err)
	}
	if err := mustAffect(res, "password reset"); err != nil {
		return "", err
	}
	if err := t.queryRow(ctx, `SELECT account_id FROM password_resets WHERE token_hash = ?`, tokenHash).Scan(&accountID); err != nil {
		return "", fmt.Errorf("password reset: %w", translate(err))
	}
	return accountID, nil
}
