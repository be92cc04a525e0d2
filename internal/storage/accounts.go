package storage

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// Account is a stored account. The phone is sealed by the caller; storage
// never sees it in clear.
type Account struct {
	ID           string
	Email        string
	PhoneSealed  string
	PhoneHash    string // "" when the account has no phone
	Name         string
	Role         string
	Lang         string
	PasswordHash string
	Disabled     bool
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

const accountCols = `id, email, phone_sealed, COALESCE(phone_hash, ''), name, role, lang, password_hash, disabled, created_at, updated_at`

func scanAccount(row scanner) (*Account, error) {
	var a Account
	var disabled int
	var created, updated int64
	if err := row.Scan(&a.ID, &a.Email, &a.PhoneSealed, &a.PhoneHash, &a.Name, &a.Role, &a.Lang,
		&a.PasswordHash, &disabled, &created, &updated); err != nil {
		return nil, translate(err)
	}
	a.Disabled = disabled != 0
	a.CreatedAt, a.UpdatedAt = fromMS(created), fromMS(updated)
	return &a, nil
}

func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// CreateAccount inserts a; a taken email or phone hash is ErrConflict.
func (t *Tx) CreateAccount(ctx context.Context, a *Account) error {
	_, err := t.exec(ctx, `INSERT INTO accounts (id, email, phone_sealed, phone_hash, name, role, lang, password_hash, disabled, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		a.ID, a.Email, a.PhoneSealed, nullable(a.PhoneHash), a.Name, a.Role, a.Lang, a.PasswordHash, boolInt(a.Disabled),
		ms(a.CreatedAt), ms(a.UpdatedAt))
	if err != nil {
		return fmt.Errorf("create account: %w", err)
	}
	return nil
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// AccountByID reads one account.
func (rd Reader) AccountByID(ctx context.Context, id string) (*Account, error) {
	a, err := scanAccount(rd.db.queryRow(ctx, `SELECT `+accountCols+` FROM accounts WHERE id = ?`, id))
	if err != nil {
		return nil, fmt.Errorf("account %s: %w", id, err)
	}
	return a, nil
}

// AccountByEmail reads the account with this (lower-case) email.
func (rd Reader) AccountByEmail(ctx context.Context, email string) (*Account, error) {
	a, err := scanAccount(rd.db.queryRow(ctx, `SELECT `+accountCols+` FROM accounts WHERE email = ?`, email))
	if err != nil {
		return nil, fmt.Errorf("account by email: %w", err)
	}
	return a, nil
}

// AccountTaken reports, inside a write transaction, whether the email or the
// phone hash is already used, so a registration can say which one.
func (t *Tx) AccountTaken(ctx context.Context, email, phoneHash string) (emailTaken, phoneTaken bool, err error) {
	var n int
	if err := t.queryRow(ctx, `SELECT COUNT(*) FROM accounts WHERE email = ?`, email).Scan(&n); err != nil {
		return false, false, fmt.Errorf("email taken: %w", translate(err))
	}
	emailTaken = n > 0
	if phoneHash != "" {
		if err := t.queryRow(ctx, `SELECT COUNT(*) FROM accounts WHERE phone_hash = ?`, phoneHash).Scan(&n); err != nil {
			return false, false, fmt.Errorf("phone taken: %w", translate(err))
		}
		phoneTaken = n > 0
	}
	return emailTaken, phoneTaken, nil
}

// CountAccountsByRole counts the accounts of one role.
func (t *Tx) CountAccountsByRole(ctx context.Context, role string) (int, error) {
	var n int
	if err := t.queryRow(ctx, `SELECT COUNT(*) FROM accounts WHERE role = ?`, role).Scan(&n); err != nil {
		return 0, fmt.Errorf("count %s: %w", role, translate(err))
	}
	return n, nil
}

// SetPassword replaces an account's password hash.
func (t *Tx) SetPassword(ctx context.Context, accountID, hash string, now time.Time) error {
	res, err := t.exec(ctx, `UPDATE accounts SET password_hash = ?, updated_at = ? WHERE id = ?`, hash, ms(now), accountID)
	if err != nil {
		return fmt.Errorf("set password: %w", err)
	}
	return mustAffect(res, "account "+accountID)
}

// SetAccountDisabled disables or re-enables an account.
func (t *Tx) SetAccountDisabled(ctx context.Context, accountID string, disabled bool, now time.Time) error {
	res, err := t.exec(ctx, `UPDATE accounts SET disabled = ?, updated_at = ? WHERE id = ?`, boolInt(disabled), ms(now), accountID)
	if err != nil {
		return fmt.Errorf("set disabled: %w", err)
	}
	return mustAffect(res, "account "+accountID)
}

func mustAffect(res sql.Result, what string) error {
	n, err := res.RowsAffected()
	if err != nil {
		return translate(err)
	}
	if n == 0 {
		return fmt.Errorf("%s: %w", what, ErrNotFound)
	}
	return nil
}
