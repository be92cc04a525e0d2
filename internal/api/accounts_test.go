package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"regexp"
	"testing"
	"time"

	"beian/internal/pii"
)

// TestLoginLockout: repeated wrong passwords lock that account (429 with
// Retry-After) while another account logs in from the same client.
func TestLoginLockout(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		for _, u := range []string{"a", "b"} {
			if a := e.do("POST", "/api/v1/accounts", "", map[string]any{"email": u + "@example.com", "phone": map[string]string{"a": "13911112222", "b": "13911113333"}[u], "password": "Str0ng-pass!"}); a.status != 201 {
				t.Fatalf("register %s: %d %s", u, a.status, a.body)
			}
		}
		wrong := map[string]any{"email": "a@example.com", "password": "Wrong-pass-1"}
		for i := range 5 {
			if a := e.do("POST", "/api/v1/sessions", "", wrong); a.status != 401 {
				t.Fatalf("failure %d: %d %s", i+1, a.status, a.body)
			}
		}
		a := e.do("POST", "/api/v1/sessions", "", wrong)
		if a.status != 429 || a.code(t) != "rate_limited" || a.header.Get("Retry-After") == "" {
			t.Fatalf("6th try: %d %s %v", a.status, a.body, a.header)
		}
		// Locked even with the right password.
		if a := e.do("POST", "/api/v1/sessions", "", map[string]any{"email": "a@example.com", "password": "Str0ng-pass!"}); a.status != 429 {
			t.Errorf("locked account, right password: %d", a.status)
		}
		if a := e.do("POST", "/api/v1/sessions", "", map[string]any{"email": "b@example.com", "password": "Str0ng-pass!"}); a.status != 201 {
			t.Errorf("other account during the lock: %d %s", a.status, a.body)
		}
		e.clock.Set(e.clock.Now().Add(16 * time.Minute))
		if a := e.do("POST", "/api/v1/sessions", "", map[string]any{"email": "a@example.com", "password": "Str0ng-pass!"}); a.status != 201 {
			t.Errorf("after the window: %d %s", a.status, a.body)
		}
	})
}

// TestPasswordReset: the emailed link works once and ends old sessions.
func TestPasswordReset(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		e.do("POST", "/api/v1/accounts", "", map[string]any{"email": "r@example.com", "phone": "13911114444", "password": "Str0ng-pass!", "lang": "en"})
		old := e.do("POST", "/api/v1/sessions", "", map[string]any{"email": "r@example.com", "password": "Str0ng-pass!"}).json(t)["token"].(string)
		if a := e.do("POST", "/api/v1/password-resets", "", map[string]any{"email": "nobody@example.com"}); a.status != 202 {
			t.Errorf("unknown email: %d", a.status)
		}
		if a := e.do("POST", "/api/v1/password-resets", "", map[string]any{"email": "R@example.com"}); a.status != 202 {
			t.Fatalf("reset request: %d %s", a.status, a.body)
		}
		jobs, err := e.store.ClaimJobs(context.Background(), e.clock.Now().Add(time.Hour), 100, time.Minute)
		if err != nil {
			t.Fatal(err)
		}
		var token string
		mails := 0
		for _, j := range jobs {
			if j.Kind != "notify.email" {
				continue
			}
			mails++
			var p struct {
				To, Subject, Body, Lang string
				ToSealed                string `json:"to_sealed"`
				DataSealed              string `json:"data_sealed"`
				Data                    any
			}
			if err := json.Unmarshal(j.Payload, &p); err != nil {
				t.Fatal(err)
			}
			// The payload holds recipient and template data sealed (the env's key).
			if p.To != "" || p.Body != "" || p.Data != nil {
				t.Errorf("mail job payload in clear: %s", j.Payload)
			}
			sealer, _ := pii.New(bytes.Repeat([]byte{7}, 32))
			p.To, _ = sealer.Open(p.ToSealed)
			p.Body, _ = sealer.Open(p.DataSealed) // the reset mail's data carries the link
			if m := regexp.MustCompile(`/password/reset\?token=([A-Za-z0-9_-]+)`).FindStringSubmatch(p.Body); m != nil {
				if p.To != "r@example.com" || p.Lang != "en" {
					t.Errorf("reset mail to %q in %q", p.To, p.Lang)
				}
				token = m[1]
			}
		}
		if mails != 2 || token == "" {
			t.Fatalf("want the welcome and the reset mail with a link, got %d mails, token %q", mails, token)
		}
		if a := e.do("POST", "/api/v1/password-resets/confirm", "", map[string]any{"token": token, "password": "short"}); a.status != 422 {
			t.Errorf("weak new password: %d", a.status)
		}
		if a := e.do("POST", "/api/v1/password-resets/confirm", "", map[string]any{"token": token, "password": "N3w-password!"}); a.status != 204 {
			t.Fatalf("confirm: %d %s", a.status, a.body)
		}
		if a := e.do("POST", "/api/v1/password-resets/confirm", "", map[string]any{"token": token, "password": "N3w-password!2"}); a.status != 422 {
			t.Errorf("second use of the token: %d", a.status)
		}
		if a := e.do("GET", "/api/v1/me", old, nil); a.status != 401 {
			t.Errorf("old session after reset: %d", a.status)
		}
		if a := e.do("POST", "/api/v1/sessions", "", map[string]any{"email": "r@example.com", "password": "Str0ng-pass!"}); a.status != 401 {
			t.Errorf("old password: %d", a.status)
		}
		if a := e.do("POST", "/api/v1/sessions", "", map[string]any{"email": "r@example.com", "password": "N3w-password!"}); a.status != 201 {
			t.Errorf("new password: %d", a.status)
		}
	})
}
