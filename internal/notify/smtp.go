package notify

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"
	"time"

	mail "github.com/wneessen/go-mail"

	"beian/internal/jobs"
)

// SMTP sends email through a mail server, configured by BEIAN_SMTP_URL:
// smtp://user:pass@host:port (STARTTLS when the server offers it, port 587
// by default) or smtps://user:pass@host:port (implicit TLS, port 465 by
// default). Query parameters: from=address (default noreply@host),
// insecure=1 to skip certificate verification (test servers only).
type SMTP struct {
	host string
	port int
	ssl  bool
	user string
	pass string
	from string
	// FromName is the name the From header shows: the provider's (set by
	// New), so mail arrives in the provider's name, not Beian's.
	FromName string
	insecure bool
	timeout  time.Duration
}

// NewSMTP parses an SMTP URL.
func NewSMTP(raw string) (*SMTP, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("BEIAN_SMTP_URL: %w", err)
	}
	s := &SMTP{timeout: 30 * time.Second}
	switch u.Scheme {
	case "smtp":
		s.port = 587
	case "smtps":
		s.ssl, s.port = true, 465
	default:
		return nil, fmt.Errorf("BEIAN_SMTP_URL must start with smtp:// or smtps://, not %q", u.Scheme)
	}
	s.host = u.Hostname()
	if s.host == "" {
		return nil, errors.New("BEIAN_SMTP_URL has no host")
	}
	if p := u.Port(); p != "" {
		if s.port, err = strconv.Atoi(p); err != nil || s.port <= 0 || s.port > 65535 {
			return nil, fmt.Errorf("BEIAN_SMTP_URL: bad port %q", p)
		}
	}
	if u.User != nil {
		s.user = u.User.Username()
		s.pass, _ = u.User.Password()
	}
	q := u.Query()
	s.from = q.Get("from")
	if s.from == "" {
		s.from = "noreply@" + s.host
	}
	s.insecure = q.Get("insecure") == "1"
	return s, nil
}

// Addr is host:port, for logs.
func (s *SMTP) Addr() string { return net.JoinHostPort(s.host, strconv.Itoa(s.port)) }

// SendEmail delivers one message. The idempotency key becomes the
// Message-ID, so a receiving server (or a person) can spot a duplicate.
// A permanent refusal (5xx) is marked jobs.Permanent; the rest retry.
func (s *SMTP) SendEmail(ctx context.Context, key string, m Message) error {
	msg := mail.NewMsg()
	from := msg.From
	if s.FromName != "" {
		from = func(addr string) error { return msg.FromFormat(s.FromName, addr) }
	}
	if err := from(s.from); err != nil {
		return jobs.Permanent(fmt.Errorf("smtp from %q: %w", s.from, err))
	}
	if err := msg.To(m.To); err != nil {
		return jobs.Permanent(fmt.Errorf("smtp recipient: %w", err))
	}
	msg.Subject(m.Subject)
	msg.SetDate()
	msg.SetMessageIDWithValue(messageID(key, s.host))
	msg.SetBodyString(mail.TypeTextPlain, m.Body)

	opts := []mail.Option{mail.WithPort(s.port), mail.WithTimeout(s.timeout)}
	tlsConf := &tls.Config{ServerName: s.host, InsecureSkipVerify: s.insecure, MinVersion: tls.VersionTLS12}
	opts = append(opts, mail.WithTLSConfig(tlsConf))
	if s.ssl {
		opts = append(opts, mail.WithSSL())
	} else {
		opts = append(opts, mail.WithTLSPolicy(mail.TLSOpportunistic))
	}
	if s.user != "" {
		opts = append(opts, mail.WithSMTPAuth(mail.SMTPAuthAutoDiscover), mail.WithUsername(s.user), mail.WithPassword(s.pass))
	}
	c, err := mail.NewClient(s.host, opts...)
	if err != nil {
		return jobs.Permanent(fmt.Errorf("smtp client: %w", err))
	}
	if err := c.DialAndSendWithContext(ctx, msg); err != nil {
		var se *mail.SendError
		if errors.As(err, &se) && !se.IsTemp() && se.ErrorCode() >= 500 {
			return jobs.Permanent(fmt.Errorf("smtp %s: %w", s.Addr(), err))
		}
		return fmt.Errorf("smtp %s: %w", s.Addr(), err)
	}
	return nil
}

// messageID turns an idempotency key into a valid Message-ID local part.
func messageID(key, host string) string {
	var b strings.Builder
	for _, r := range key {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '.', r == '-', r == '_':
			b.WriteRune(r)
		default:
			fmt.Fprintf(&b, "=%02X", r)
		}
	}
	return b.String() + "@" + host
}
