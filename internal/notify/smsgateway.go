package notify

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"time"

	"beian/internal/jobs"
)

// SMSGateway posts text messages to an HTTP gateway (BEIAN_SMS_URL) as
// JSON {"to": mobile, "text": body}. The idempotency key goes along as the
// Idempotency-Key header. 2xx is sent; 408, 429 and 5xx are retried; other
// answers are permanent failures.
type SMSGateway struct {
	URL    string
	Client *http.Client // nil: a client with a 15-second timeout
}

// NewSMSGateway checks the URL.
func NewSMSGateway(raw string) (*SMSGateway, error) {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("BEIAN_SMS_URL must be an http:// or https:// URL, not %q", raw)
	}
	return &SMSGateway{URL: raw, Client: &http.Client{Timeout: 15 * time.Second}}, nil
}

// SendSMS posts one message.
func (g *SMSGateway) SendSMS(ctx context.Context, key string, m Message) error {
	body, err := json.Marshal(struct {
		To   string `json:"to"`
		Text string `json:"text"`
	}{m.To, m.Body})
	if err != nil {
		return jobs.Permanent(err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, g.URL, bytes.NewReader(body))
	if err != nil {
		return jobs.Permanent(fmt.Errorf("sms gateway: %w", err))
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Idempotency-Key", key)
	c := g.Client
	if c == nil {
		c = &http.Client{Timeout: 15 * time.Second}
	}
	resp, err := c.Do(req)
	if err != nil {
		return fmt.Errorf("sms gateway: %w", err)
	}
	defer resp.Body.Close()
	snippet, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
	switch {
	case resp.StatusCode >= 200 && resp.StatusCode < 300:
		return nil
	case resp.StatusCode == http.StatusRequestTimeout, resp.StatusCode == http.StatusTooManyRequests, resp.StatusCode >= 500:
		return fmt.Errorf("sms gateway: %s: %s", resp.Status, bytes.TrimSpace(snippet))
	default:
		return jobs.Permanent(fmt.Errorf("sms gateway refused: %s: %s", resp.Status, bytes.TrimSpace(snippet)))
	}
}
