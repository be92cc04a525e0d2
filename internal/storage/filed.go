package storage

import (
	"context"
	"fmt"
	"time"
)

// PutFiledDocument keeps the filed record a change started from (the
// sealed document); once per application.
func (t *Tx) PutFiledDocument(ctx context.Context, appID, document string, at time.Time) error {
	_, err := t.exec(ctx, `INSERT INTO application_filed (application_id, document, created_at) VALUES (?, ?, ?)`,
		appID, document, ms(at))
	if err != nil {
		return fmt.Errorf("put filed document: %w", translate(err))
	}
	return nil
}

// FiledDocument is the sealed filed record a change started from;
// ErrNotFound for any other application (and changes made before it was kept).
func (rd Reader) FiledDocument(ctx context.Context, appID string) (string, error) {
	var doc string
	if err := rd.db.queryRow(ctx, `SELECT document FROM application_filed WHERE application_id = ?`, appID).Scan(&doc); err != nil {
		return "", fmt.Errorf("filed document %s: %w", appID, translate(err))
	}
	return doc, nil
}
