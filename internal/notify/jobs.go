package notify

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"beian/internal/config"
	"beian/internal/jobs"
	"beian/internal/pii"
	"beian/internal/storage"
)

// Job kinds.
const (
	JobEmail = "notify.email"
	JobSMS   = "notify.sms"
)

// Payload is a notification job's JSON: either a rendered message
// (Subject, Body) or a template with its data. The recipient is sealed
// (ToSealed) when queued through Enqueue, so the jobs table holds no
// address or mobile in clear; To in clear is accepted too.
type Payload struct {
	To       string `json:"to,omitempty"`
	ToSealed string `json:"to_sealed,omitempty"`
	Subject  string `json:"subject,omitempty"`
	Body     string `json:"body,omitempty"`
	// BodySealed is Body sealed (Enqueue does it): bodies carry reset
	// links and SMS codes, which the jobs table keeps after sending.
	BodySealed string `json:"body_sealed,omitempty"`
	Lang       string `json:"lang,omitempty"`
	Template   string `json:"template,omitempty"`
	Data       *Data  `json:"data,omitempty"`
	// DataSealed is Data's JSON sealed (Seal does it): template data holds
	// the bureau's SMS codes, names and numbers.
	DataSealed string `json:"data_sealed,omitempty"`
	// Simulated marks a message of the bureau simulator (its 12381 codes):
	// it always goes to the outbox, never through SMTP or the SMS gateway,
	// so a simulated code cannot reach a real phone.
	Simulated bool `json:"simulated,omitempty"`
}

// txDeliverer is a sender that can deliver inside the job's transaction
// (the outbox): then the delivery and the job's completion commit together.
type txDeliverer interface {
	DeliverTx(ctx context.Context, tx *storage.Tx, key string, m Message) error
}

// Notifier queues and sends notifications.
type Notifier struct {
	Store     *storage.Store
	Sealer    *pii.Sealer
	Templates *Templates
	Email     EmailSender
	SMS       SMSSender
	Outbox    *Outbox
}

// New builds the notifier of a configuration: SMTP when BEIAN_SMTP_URL is
// set, the HTTP gateway when BEIAN_SMS_URL is set, the outbox otherwise.
func New(cfg config.Config, store *storage.Store, sealer *pii.Sealer) (*Notifier, error) {
	tpl, err := NewTemplates(cfg.Provider, cfg.BaseURL)
	if err != nil {
		return nil, err
	}
	ob := &Outbox{Store: store, Sealer: sealer}
	n := &Notifier{Store: store, Sealer: sealer, Templates: tpl, Email: ob, SMS: ob, Outbox: ob}
	if cfg.SMTPURL != "" {
		s, err := NewSMTP(cfg.SMTPURL)
		if err != nil {
			return nil, err
		}
		s.FromName = cfg.Provider.Name
		n.Email = s
	}
	if cfg.SMSURL != "" {
		g, err := NewSMSGateway(cfg.SMSURL)
		if err != nil {
			return nil, err
		}
		n.SMS = g
	}
	return n, nil
}

// Seal seals what a payload carries in clear — recipient, body, template
// data — so the jobs table, its WAL, backups and dumps hold none of it
// (issue 12: the bureau's SMS code sat in clear in the template data).
// Every notification job is queued sealed: Enqueue does it, and so does
// anyone queuing notify jobs with tx.Enqueue.
func (p *Payload) Seal(s *pii.Sealer, channel string) error {
	if p.To != "" {
		p.ToSealed, p.To = s.Seal(normalizeRecipient(channel, p.To)), ""
	}
	if p.Body != "" {
		p.BodySealed, p.Body = s.Seal(p.Body), ""
	}
	if p.Data != nil {
		b, err := json.Marshal(p.Data)
		if err != nil {
			return fmt.Errorf("notify: template data: %w", err)
		}
		p.DataSealed, p.Data = s.SealBytes(b), nil
	}
	return nil
}

// Enqueue queues a notification in tx, the transaction of the change it
// announces. key is the idempotency key (e.g. "notify:<application>:<event>:<seq>"):
// queuing the same key twice keeps one job, and the message goes out once.
func (n *Notifier) Enqueue(ctx context.Context, tx *storage.Tx, channel, key string, p Payload) error {
	kind := JobEmail
	if channel == SMS {
		kind = JobSMS
	} else if channel != Email {
		return fmt.Errorf("notify: unknown channel %q", channel)
	}
	if p.Template == "" && p.Body == "" && p.BodySealed == "" {
		return fmt.Errorf("notify: %s with neither template nor body", kind)
	}
	if err := p.Seal(n.Sealer, channel); err != nil {
		return err
	}
	if p.ToSealed == "" {
		return fmt.Errorf("notify: %s without recipient", kind)
	}
	if p.Template != "" {
		if !slices.Contains(names, p.Template) {
			return fmt.Errorf("%w: %q", ErrUnknownTemplate, p.Template)
		}
	}
	return tx.Enqueue(ctx, kind, p, key, time.Time{})
}

// Handlers are the job handlers to register with the jobs.Runner.
func (n *Notifier) Handlers() map[string]jobs.Handler {
	return map[string]jobs.Handler{
		JobEmail: func(ctx context.Context, j storage.Job) error { return n.run(ctx, Email, j) },
		JobSMS:   func(ctx context.Context, j storage.Job) error { return n.run(ctx, SMS, j) },
	}
}

// Message turns a payload into the message to send.
func (n *Notifier) Message(channel string, p Payload) (Message, error) {
	to := p.To
	if p.ToSealed != "" {
		var err error
		if to, err = n.Sealer.Open(p.ToSealed); err != nil {
			return Message{}, fmt.Errorf("recipient: %w", err)
		}
	}
	if to == "" {
		return Message{}, errors.New("no recipient")
	}
	if p.BodySealed != "" {
		b, err := n.Sealer.Open(p.BodySealed)
		if err != nil {
			return Message{}, fmt.Errorf("body: %w", err)
		}
		p.Body = b
	}
	m := Message{Channel: channel, To: to, Subject: p.Subject, Body: p.Body, Lang: p.Lang}
	if p.Template != "" {
		var d Data
		if p.Data != nil {
			d = *p.Data
		}
		if p.DataSealed != "" {
			b, err := n.Sealer.OpenBytes(p.DataSealed)
			if err != nil {
				return Message{}, fmt.Errorf("template data: %w", err)
			}
			if err := json.Unmarshal(b, &d); err != nil {
				return Message{}, fmt.Errorf("template data: %w", err)
			}
		}
		s, b, err := n.Templates.Render(p.Template, p.Lang, d)
		if err != nil {
			return Message{}, err
		}
		m.Subject, m.Body = s, b
	}
	if m.Lang != "en" {
		m.Lang = "zh"
	}
	return m, nil
}

// run sends one notification job, exactly once in effect (see the package doc).
func (n *Notifier) run(ctx context.Context, channel string, j storage.Job) error {
	var p Payload
	if err := json.Unmarshal(j.Payload, &p); err != nil {
		return jobs.Permanent(fmt.Errorf("%s payload: %w", j.Kind, err))
	}
	m, err := n.Message(channel, p)
	if err != nil {
		return jobs.Permanent(fmt.Errorf("%s: %w", j.Kind, err))
	}
	key := j.Key
	if key == "" {
		key = "job:" + j.ID // a job's id is stable across its retries
	}
	var sender any = n.Email
	if channel == SMS {
		sender = n.SMS
	}
	if p.Simulated {
		if n.Outbox == nil {
			return jobs.Permanent(fmt.Errorf("%s: a simulated message needs the outbox", j.Kind))
		}
		sender = n.Outbox
	}
	if d, ok := sender.(txDeliverer); ok {
		return n.Store.Tx(ctx, func(tx *storage.Tx) error {
			if err := d.DeliverTx(ctx, tx, key, m); err != nil {
				return err
			}
			return tx.CompleteJob(ctx, j.ID)
		})
	}
	sent, err := n.Store.WasSent(ctx, key)
	if err != nil {
		return err
	}
	if !sent {
		if channel == SMS {
			err = n.SMS.SendSMS(ctx, key, m)
		} else {
			err = n.Email.SendEmail(ctx, key, m)
		}
		if err != nil {
			return err
		}
	}
	return n.Store.Tx(ctx, func(tx *storage.Tx) error {
		if err := tx.RecordSent(ctx, storage.SentMessage{IdemKey: key, Channel: channel, RecipientMasked: mask(channel, normalizeRecipient(channel, m.To)), Subject: m.Subject}); err != nil {
			return err
		}
		return tx.CompleteJob(ctx, j.ID)
	})
}
