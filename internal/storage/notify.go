package storage

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"
)

// OutboxMessage is one message in the outbox. The recipient is stored
// sealed (RecipientSealed), with its keyed hash for filtering and a masked
// form for lists; sealing is the caller's (package notify), not storage's.
type OutboxMessage struct {
	ID              string
	Channel         string // email | sms
	RecipientSealed string
	RecipientHash   string
	RecipientMasked string
	Subject         string
	Body            string
	Lang            string
	IdemKey         string
	SentAt          time.Time
}

// InsertOutbox stores m unless a message with its IdemKey is already there;
// it reports whether a row was added. Callers run it in the transaction
// that completes the job, so a re-run job never stores a message twice.
func (t *Tx) InsertOutbox(ctx context.Context, m OutboxMessage) (bool, error) {
	if m.IdemKey == "" {
		return false, fmt.Errorf("outbox: empty idempotency key")
	}
	if m.ID == "" {
		m.ID = uuid.Must(uuid.NewV7()).String()
	}
	if m.SentAt.IsZero() {
		m.SentAt = t.s.now()
	}
	res, err := t.exec(ctx, `INSERT INTO outbox (id, channel, recipient_sealed, recipient_hash, recipient_masked, subject, body, lang, idem_key, sent_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (idem_key) DO NOTHING`,
		m.ID, m.Channel, m.RecipientSealed, m.RecipientHash, m.RecipientMasked, m.Subject, m.Body, m.Lang, m.IdemKey, ms(m.SentAt))
	if err != nil {
		return false, fmt.Errorf("outbox insert: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("outbox insert: %w", err)
	}
	return n == 1, nil
}

// OutboxFilter narrows ListOutbox; empty fields do not filter.
type OutboxFilter struct {
	Channel       string
	RecipientHash string
	Limit         int // default 100, at most 1000
}

// ListOutbox returns outbox messages, newest first.
func (rd Reader) ListOutbox(ctx context.Context, f OutboxFilter) ([]OutboxMessage, error) {
	var w where
	w.eq("channel", f.Channel)
	w.eq("recipient_hash", f.RecipientHash)
	// id (UUIDv7) breaks ties between messages of the same millisecond.
	q := `SELECT id, channel, recipient_sealed, recipient_hash, recipient_masked, subject, body, lang, idem_key, sent_at FROM outbox WHERE 1 = 1` +
		w.sql + ` ORDER BY sent_at DESC, id DESC LIMIT ?`
	args := append(w.args, limitOf(f.Limit, 100, 1000))
	rows, err := rd.db.query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("list outbox: %w", err)
	}
	defer rows.Close()
	var out []OutboxMessage
	for rows.Next() {
		var m OutboxMessage
		var at int64
		if err := rows.Scan(&m.ID, &m.Channel, &m.RecipientSealed, &m.RecipientHash, &m.RecipientMasked, &m.Subject, &m.Body, &m.Lang, &m.IdemKey, &at); err != nil {
			return nil, fmt.Errorf("list outbox: %w", err)
		}
		m.SentAt = fromMS(at)
		out = append(out, m)
	}
	return out, translate(rows.Err())
}

// SentMessage is the record of a message handed to SMTP or an SMS gateway.
type SentMessage struct {
	IdemKey         string
	Channel         string
	RecipientMasked string
	Subject         string
	SentAt          time.Time
}

// RecordSent notes that the message with m.IdemKey went out; recording it
// twice keeps the first record.
func (t *Tx) RecordSent(ctx context.Context, m SentMessage) error {
	if m.SentAt.IsZero() {
		m.SentAt = t.s.now()
	}
	_, err := t.exec(ctx, `INSERT INTO sent_messages (idem_key, channel, recipient_masked, subject, sent_at)
		VALUES (?, ?, ?, ?, ?) ON CONFLICT (idem_key) DO NOTHING`, m.IdemKey, m.Channel, m.RecipientMasked, m.Subject, ms(m.SentAt))
	if err != nil {
		return fmt.Errorf("record sent: %w", err)
	}
	return nil
}

// WasSent reports whether a message with this idempotency key went out.
func (s *Store) WasSent(ctx context.Context, key string) (bool, error) {
	var n int
	if err := s.r.QueryRowContext(ctx, s.q(`SELECT COUNT(*) FROM sent_messages WHERE idem_key = ?`), key).Scan(&n); err != nil {
		return false, fmt.Errorf("was sent: %w", translate(err))
	}
	return n > 0, nil
}

// CountSent counts the messages handed to external channels (for tests and the admin page).
func (rd Reader) CountSent(ctx context.Context, channel string) (int, error) {
	var n int
	if err := rd.db.queryRow(ctx, `SELECT COUNT(*) FROM sent_messages WHERE channel = ?`, channel).Scan(&n); err != nil {
		return 0, fmt.Errorf("count sent: %w", translate(err))
	}
	return n, nil
}
