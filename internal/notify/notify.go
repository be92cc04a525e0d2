// Package notify sends Beian's emails and SMS (workflow.md "Notifications").
// Messages leave through durable jobs ("notify.email", "notify.sms") queued
// in the same transaction as the change they announce, so they exist
// exactly when the change committed. Three channels implement the senders:
// the outbox in the database (the embedded default, shown in the admin UI),
// SMTP for email and an HTTP gateway for SMS.
//
// A retry never sends twice: the outbox stores a message in the transaction
// that completes its job, keyed by the job's idempotency key; an external
// send is recorded in sent_messages under that key before the job
// completes, and a re-run job looks there first. (The one window left open
// is a crash between an external server accepting the message and that
// record committing; the SMTP/HTTP protocols offer no way to close it, so
// the key also travels as Message-ID / Idempotency-Key for the far side to
// drop duplicates.)
package notify

import (
	"context"
	"strings"
	"unicode"
)

// Channels.
const (
	Email = "email"
	SMS   = "sms"
)

// Message is one email or SMS, already rendered.
type Message struct {
	Channel string // Email or SMS
	To      string // an email address or a mobile number
	// Subject is the email subject; for an SMS, the sender's name or
	// number (12381 for the bureau's codes), shown in the outbox.
	Subject string
	Body    string
	Lang    string // "zh" or "en"
}

// EmailSender delivers emails. key is the idempotency key: a sender that
// can (the outbox) keeps one message per key.
type EmailSender interface {
	SendEmail(ctx context.Context, key string, m Message) error
}

// SMSSender delivers text messages, with the same key semantics.
type SMSSender interface {
	SendSMS(ctx context.Context, key string, m Message) error
}

// normalizeRecipient is the form recipients are hashed in, so a filter
// typed by an admin finds the message: trimmed, lower case, and a mobile
// without spaces, dashes or a +86 prefix.
func normalizeRecipient(channel, to string) string {
	to = strings.ToLower(strings.TrimSpace(to))
	if channel == SMS {
		to = strings.Map(func(r rune) rune {
			if unicode.IsSpace(r) || r == '-' {
				return -1
			}
			return r
		}, to)
		to = strings.TrimPrefix(strings.TrimPrefix(to, "+86"), "0086")
	}
	return to
}
