package notify

import (
	"context"
	"fmt"
	"time"

	"beian/internal/pii"
	"beian/internal/storage"
)

// Outbox keeps messages in the database instead of sending them: the
// default channel when no SMTP server or SMS gateway is configured, and
// what the admin UI shows. Recipients are sealed; lists show them masked.
type Outbox struct {
	Store  *storage.Store
	Sealer *pii.Sealer
	Now    func() time.Time // nil: the store's clock
}

// SendEmail stores an email in its own transaction.
func (o *Outbox) SendEmail(ctx context.Context, key string, m Message) error {
	m.Channel = Email
	return o.Store.Tx(ctx, func(tx *storage.Tx) error { return o.DeliverTx(ctx, tx, key, m) })
}

// SendSMS stores a text message in its own transaction.
func (o *Outbox) SendSMS(ctx context.Context, key string, m Message) error {
	m.Channel = SMS
	return o.Store.Tx(ctx, func(tx *storage.Tx) error { return o.DeliverTx(ctx, tx, key, m) })
}

// DeliverTx stores m in tx, once per key: the job handler calls it in the
// transaction that completes the job, which makes the delivery exactly once.
func (o *Outbox) DeliverTx(ctx context.Context, tx *storage.Tx, key string, m Message) error {
	now := o.Store.Now
	if o.Now != nil {
		now = o.Now
	}
	to := normalizeRecipient(m.Channel, m.To)
	if to == "" {
		return fmt.Errorf("outbox: message without recipient")
	}
	lang := m.Lang
	if lang != "en" {
		lang = "zh"
	}
	_, err := tx.InsertOutbox(ctx, storage.OutboxMessage{
		Channel:         m.Channel,
		RecipientSealed: o.Sealer.Seal(to),
		RecipientHash:   o.Sealer.Hash(to),
		RecipientMasked: mask(m.Channel, to),
		Subject:         m.Subject,
		Body:            o.Sealer.Seal(m.Body), // reset links and SMS codes are secrets too
		Lang:            lang,
		IdemKey:         key,
		SentAt:          now(),
	})
	return err
}

func mask(channel, to string) string {
	if channel == Email {
		return pii.MaskEmail(to)
	}
	return pii.MaskMobile(to)
}

// OutboxItem is one stored message as lists show it.
type OutboxItem struct {
	ID      string
	Channel string
	To      string // masked
	Subject string
	Body    string
	Lang    string
	SentAt  time.Time
}

// OutboxQuery filters List: To is a full address or mobile (matched by its
// keyed hash), Channel "email" or "sms"; empty means any.
type OutboxQuery struct {
	To      string
	Channel string
	Limit   int
}

// List returns stored messages, newest first.
func (o *Outbox) List(ctx context.Context, q OutboxQuery) ([]OutboxItem, error) {
	f := storage.OutboxFilter{Channel: q.Channel, Limit: q.Limit}
	if q.To != "" {
		ch := q.Channel
		if ch == "" {
			ch = SMS
			if containsAt(q.To) {
				ch = Email
			}
		}
		f.RecipientHash = o.Sealer.Hash(normalizeRecipient(ch, q.To))
	}
	rows, err := o.Store.ListOutbox(ctx, f)
	if err != nil {
		return nil, err
	}
	out := make([]OutboxItem, 0, len(rows))
	for _, r := range rows {
		body, err := o.Sealer.Open(r.Body)
		if err != nil {
			body = r.Body // stored in clear before bodies were sealed
		}
		out = append(out, OutboxItem{ID: r.ID, Channel: r.Channel, To: r.RecipientMasked, Subject: r.Subject, Body: body, Lang: r.Lang, SentAt: r.SentAt})
	}
	return out, nil
}

func containsAt(s string) bool {
	for _, r := range s {
		if r == '@' {
			return true
		}
	}
	return false
}
