package storage

import (
	"context"
	"fmt"
	"time"
)

// Attachment is a stored JPEG's metadata; its bytes live in the blob store under BlobKey.
type Attachment struct {
	ID            string
	ApplicationID string
	Kind          string
	Website       int // -1 when the kind is not per website
	BlobKey       string
	Bytes         int64
	OriginalBytes int64
	Width         int
	Height        int
	SHA256        string
	SignedOn      string
	CreatedAt     time.Time
	// DataKey is the file's data key sealed by the personal-data key
	// (envelope encryption); "" for a file stored in clear before it.
	DataKey string
}

const attCols = `id, application_id, kind, website, blob_key, bytes, original_bytes, width, height, sha256, signed_on, created_at, data_key`

func scanAttachment(row scanner) (*Attachment, error) {
	var a Attachment
	var created int64
	if err := row.Scan(&a.ID, &a.ApplicationID, &a.Kind, &a.Website, &a.BlobKey, &a.Bytes, &a.OriginalBytes,
		&a.Width, &a.Height, &a.SHA256, &a.SignedOn, &created, &a.DataKey); err != nil {
		return nil, translate(err)
	}
	a.CreatedAt = fromMS(created)
	return &a, nil
}

// CreateAttachment stores an attachment's metadata.
func (t *Tx) CreateAttachment(ctx context.Context, a *Attachment) error {
	_, err := t.exec(ctx, `INSERT INTO attachments (`+attCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		a.ID, a.ApplicationID, a.Kind, a.Website, a.BlobKey, a.Bytes, a.OriginalBytes, a.Width, a.Height, a.SHA256, a.SignedOn, ms(a.CreatedAt), a.DataKey)
	if err != nil {
		return fmt.Errorf("create attachment: %w", err)
	}
	return nil
}

// Attachments lists an application's attachments in upload order.
func (rd Reader) Attachments(ctx context.Context, applicationID string) ([]*Attachment, error) {
	rows, err := rd.db.query(ctx, `SELECT `+attCols+` FROM attachments WHERE application_id = ? ORDER BY created_at, id`, applicationID)
	if err != nil {
		return nil, fmt.Errorf("attachments: %w", err)
	}
	return collect(rows, scanAttachment)
}

// AttachmentsOfKind lists, inside a transaction, an application's attachments of one kind and website.
func (t *Tx) AttachmentsOfKind(ctx context.Context, applicationID, kind string, website int) ([]*Attachment, error) {
	rows, err := t.query(ctx, `SELECT `+attCols+` FROM attachments WHERE application_id = ? AND kind = ? AND website = ? ORDER BY created_at, id`,
		applicationID, kind, website)
	if err != nil {
		return nil, fmt.Errorf("attachments of kind: %w", err)
	}
	return collect(rows, scanAttachment)
}

// Attachment reads one attachment of one application; another
// application's attachment is ErrNotFound.
func (rd Reader) Attachment(ctx context.Context, applicationID, id string) (*Attachment, error) {
	a, err := scanAttachment(rd.db.queryRow(ctx, `SELECT `+attCols+` FROM attachments WHERE id = ? AND application_id = ?`, id, applicationID))
	if err != nil {
		return nil, fmt.Errorf("attachment %s: %w", id, err)
	}
	return a, nil
}

// DeleteAttachment removes one attachment's metadata (the caller deletes the blob after commit).
func (t *Tx) DeleteAttachment(ctx context.Context, applicationID, id string) error {
	res, err := t.exec(ctx, `DELETE FROM attachments WHERE id = ? AND application_id = ?`, id, applicationID)
	if err != nil {
		return fmt.Errorf("delete attachment: %w", err)
	}
	return mustAffect(res, "attachment "+id)
}

// BlobReferenced reports whether a blob is still wanted: an attachment row
// points to it, or the job that removes it later (jobKey) is pending (a
// replaced or deleted file is kept for the backups' grace period).
func (s *Store) BlobReferenced(ctx context.Context, key, jobKey string) (bool, error) {
	var n int
	err := s.queryRow(ctx, `SELECT (SELECT COUNT(*) FROM attachments WHERE blob_key = ?)
		+ (SELECT COUNT(*) FROM jobs WHERE idem_key = ? AND state IN ('queued', 'running'))`, key, jobKey).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("blob referenced: %w", translate(err))
	}
	return n > 0, nil
}

// AttachmentsInClear lists up to limit attachments stored before
// encryption at rest (no data key), for `beian rekey` to encrypt.
func (s *Store) AttachmentsInClear(ctx context.Context, limit int) ([]*Attachment, error) {
	rows, err := s.query(ctx, `SELECT `+attCols+` FROM attachments WHERE data_key = '' ORDER BY id LIMIT ?`, limit)
	if err != nil {
		return nil, fmt.Errorf("attachments in clear: %w", err)
	}
	return collect(rows, scanAttachment)
}

// SetAttachmentFile points an attachment at its encrypted file and data
// key, if it still points at oldKey; it reports whether it did.
func (t *Tx) SetAttachmentFile(ctx context.Context, id, oldKey, blobKey, dataKey string) (bool, error) {
	res, err := t.exec(ctx, `UPDATE attachments SET blob_key = ?, data_key = ? WHERE id = ? AND blob_key = ?`, blobKey, dataKey, id, oldKey)
	if err != nil {
		return false, fmt.Errorf("set attachment file: %w", err)
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}
