package storage

import (
	"context"
	"fmt"
	"time"
)

// RejectionReason is one entry of the catalogue of common rejection
// reasons reviewers pick from (migration 00050).
type RejectionReason struct {
	Code      string // the reason's stable rule code
	Field     string // a document path, website indexes open: websites[].name
	TextZH    string
	TextEN    string
	Position  int
	UpdatedBy string
	UpdatedAt time.Time
}

const reasonCols = `code, field, text_zh, text_en, position, updated_by, updated_at`

func scanReason(row scanner) (*RejectionReason, error) {
	var r RejectionReason
	var at int64
	if err := row.Scan(&r.Code, &r.Field, &r.TextZH, &r.TextEN, &r.Position, &r.UpdatedBy, &at); err != nil {
		return nil, translate(err)
	}
	r.UpdatedAt = fromMS(at)
	return &r, nil
}

// RejectionReasons lists the catalogue in its order.
func (rd Reader) RejectionReasons(ctx context.Context) ([]*RejectionReason, error) {
	rows, err := rd.db.query(ctx, `SELECT `+reasonCols+` FROM rejection_reasons ORDER BY position, code LIMIT 1000`)
	if err != nil {
		return nil, fmt.Errorf("rejection reasons: %w", translate(err))
	}
	return collect(rows, scanReason)
}

// RejectionReason reads one entry.
func (rd Reader) RejectionReason(ctx context.Context, code string) (*RejectionReason, error) {
	return scanReason(rd.db.queryRow(ctx, `SELECT `+reasonCols+` FROM rejection_reasons WHERE code = ?`, code))
}

// PutRejectionReason adds an entry or replaces the one with its code.
func (t *Tx) PutRejectionReason(ctx context.Context, r *RejectionReason) error {
	_, err := t.exec(ctx, `INSERT INTO rejection_reasons (`+reasonCols+`) VALUES (?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (code) DO UPDATE SET field = excluded.field, text_zh = excluded.text_zh, text_en = excluded.text_en,
		position = excluded.position, updated_by = excluded.updated_by, updated_at = excluded.updated_at`,
		r.Code, r.Field, r.TextZH, r.TextEN, r.Position, r.UpdatedBy, ms(r.UpdatedAt))
	if err != nil {
		return fmt.Errorf("put rejection reason %s: %w", r.Code, err)
	}
	return nil
}

// DeleteRejectionReason removes an entry; reasons already given keep
// their texts (they are copied into the decision).
func (t *Tx) DeleteRejectionReason(ctx context.Context, code string) error {
	res, err := t.exec(ctx, `DELETE FROM rejection_reasons WHERE code = ?`, code)
	if err != nil {
		return fmt.Errorf("delete rejection reason %s: %w", code, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrNotFound
	}
	return nil
}
