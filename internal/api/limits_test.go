package api_test

import (
	"testing"

	"beian/internal/storage/storagetest"
)

// TestAbuseLimits: one client flooding pre-check or registration gets 429
// with Retry-After; another client is served normally meanwhile.
func TestAbuseLimits(t *testing.T) {
	e := newEnv(t, storagetest.URLs(t)["sqlite"])
	from := func(ip, method, path, token string, body any) answer {
		t.Helper()
		r := e.request(method, path, body)
		r.RemoteAddr = ip + ":4321"
		return e.send(r, token)
	}
	reg := func(ip, email, phone string) answer {
		return from(ip, "POST", "/api/v1/accounts", "", map[string]any{"email": email, "phone": phone, "password": "Str0ng-pass!"})
	}
	if a := reg("198.51.100.1", "flood@example.com", "13922220000"); a.status != 201 {
		t.Fatalf("register: %d %s", a.status, a.body)
	}
	tok := from("198.51.100.1", "POST", "/api/v1/sessions", "", map[string]any{"email": "flood@example.com", "password": "Str0ng-pass!"}).json(t)["token"].(string)

	limited := 0
	for i := range 200 {
		a := from("198.51.100.1", "POST", "/api/v1/precheck", tok, map[string]any{"domain": "flood" + itoa(i) + ".cn", "cert_type": "business_license", "cert_number": "91110105MA0000009T"})
		switch a.status {
		case 200:
		case 429:
			if a.header.Get("Retry-After") == "" || a.code(t) != "rate_limited" {
				t.Fatalf("429 without Retry-After: %v %s", a.header, a.body)
			}
			limited++
		default:
			t.Fatalf("precheck %d: %d %s", i, a.status, a.body)
		}
	}
	if limited < 120 {
		t.Errorf("only %d of 200 rapid pre-checks refused", limited)
	}
	// Another client and account are unaffected.
	if a := reg("203.0.113.7", "calm@example.com", "13922221111"); a.status != 201 {
		t.Fatalf("other client register: %d %s", a.status, a.body)
	}
	tok2 := from("203.0.113.7", "POST", "/api/v1/sessions", "", map[string]any{"email": "calm@example.com", "password": "Str0ng-pass!"}).json(t)["token"].(string)
	if a := from("203.0.113.7", "POST", "/api/v1/precheck", tok2, map[string]any{"domain": "calm.cn", "cert_type": "business_license", "cert_number": "91110105MA0000008P"}); a.status != 200 {
		t.Errorf("other client's pre-check: %d %s", a.status, a.body)
	}
	// Registration flood from one address.
	refused := 0
	for i := range 30 {
		if a := reg("198.51.100.1", "r"+itoa(i)+"@example.com", "1393333"+itoa(1000+i)); a.status == 429 {
			refused++
		}
	}
	if refused < 15 {
		t.Errorf("only %d of 30 registrations from one address refused", refused)
	}
}

// TestLocalClientsLimitedPerAccount: a client on this host (no proxy header)
// has no per-IP budget, so several local clients are served side by side,
// but one account flooding pre-checks still gets 429s.
func TestLocalClientsLimitedPerAccount(t *testing.T) {
	e := newEnv(t, storagetest.URLs(t)["sqlite"])
	local := func(method, path, token string, body any) answer {
		t.Helper()
		r := e.request(method, path, body)
		r.RemoteAddr = "127.0.0.1:4321"
		return e.send(r, token)
	}
	login := func(email, phone string) string {
		t.Helper()
		if a := local("POST", "/api/v1/accounts", "", map[string]any{"email": email, "phone": phone, "password": "Str0ng-pass!"}); a.status != 201 {
			t.Fatalf("register %s: %d %s", email, a.status, a.body)
		}
		return local("POST", "/api/v1/sessions", "", map[string]any{"email": email, "password": "Str0ng-pass!"}).json(t)["token"].(string)
	}
	flood, calm := login("flood@example.com", "13922220000"), login("calm@example.com", "13922221111")
	limited := 0
	for i := range 500 {
		a := local("POST", "/api/v1/precheck", flood, map[string]any{"domain": "flood" + itoa(i) + ".cn", "cert_type": "business_license", "cert_number": "91110105MA0000009T"})
		if a.status == 429 {
			limited++
		} else if a.status != 200 {
			t.Fatalf("precheck %d: %d %s", i, a.status, a.body)
		}
	}
	if limited < 150 {
		t.Errorf("only %d of 500 rapid pre-checks of one account refused", limited)
	}
	for i := range 20 {
		if a := local("POST", "/api/v1/precheck", calm, map[string]any{"domain": "calm" + itoa(i) + ".cn", "cert_type": "business_license", "cert_number": "91110105MA0000008P"}); a.status != 200 {
			t.Fatalf("another local account's pre-check %d: %d %s", i, a.status, a.body)
		}
	}
}

// TestPublicLookupLimit: the public lookup is limited per client IP too.
func TestPublicLookupLimit(t *testing.T) {
	e := newEnv(t, storagetest.URLs(t)["sqlite"])
	limited := 0
	for range 100 {
		r := e.request("GET", "/api/v1/public/filings?q=example.cn", nil)
		r.RemoteAddr = "198.51.100.9:1000"
		if a := e.send(r, ""); a.status == 429 {
			limited++
		} else if a.status != 200 {
			t.Fatalf("lookup: %d %s", a.status, a.body)
		}
	}
	if limited < 30 {
		t.Errorf("only %d of 100 rapid lookups refused", limited)
	}
	r := e.request("GET", "/api/v1/public/filings?q=example.cn", nil)
	r.RemoteAddr = "203.0.113.1:1000"
	if a := e.send(r, ""); a.status != 200 {
		t.Errorf("another client: %d", a.status)
	}
}
