package middleware

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"beian/internal/clock"
	"beian/internal/fault"
	"beian/internal/httpx"
	"beian/internal/service"
)

// auth knows one live session token.
func auth(_ context.Context, token string) (*service.Account, error) {
	if token == "live" {
		return &service.Account{ID: "a1", Role: service.RoleApplicant}, nil
	}
	return nil, fault.NewUnauthorized()
}

// guarded is a form endpoint behind the whole HTML stack, answering 204.
func guarded() http.Handler {
	ok := func(w http.ResponseWriter, r *http.Request) error { w.WriteHeader(http.StatusNoContent); return nil }
	render := func(w http.ResponseWriter, r *http.Request, e *fault.Error) {
		http.Error(w, e.Code, httpx.Status(e))
	}
	return Secure(Pages, Cookie(auth, httpx.Handle(nil, render, Forms{}.Check(ok))))
}

func post(h http.Handler, form url.Values, cookies []*http.Cookie, header map[string]string) *httptest.ResponseRecorder {
	r := httptest.NewRequest("POST", "http://beian.test/x", strings.NewReader(form.Encode()))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for k, v := range header {
		r.Header.Set(k, v)
	}
	for _, c := range cookies {
		r.AddCookie(c)
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

// TestForms: a form needs its token (the session's, or the double-submit
// cookie's for a visitor), a browser's cross-site post is refused even
// with one, and a post from an ended session asks for a login.
func TestForms(t *testing.T) {
	h := guarded()
	session := []*http.Cookie{{Name: SessionCookie, Value: "live"}}
	tok := sessionToken("live")
	cases := []struct {
		name    string
		form    url.Values
		cookies []*http.Cookie
		header  map[string]string
		want    int
	}{
		{"session token", url.Values{CSRFField: {tok}}, session, nil, 204},
		{"same-origin browser", url.Values{CSRFField: {tok}}, session, map[string]string{"Sec-Fetch-Site": "same-origin"}, 204},
		{"no token", url.Values{}, session, nil, 403},
		{"another session's token", url.Values{CSRFField: {sessionToken("other")}}, session, nil, 403},
		{"cross-site browser with the token", url.Values{CSRFField: {tok}}, session, map[string]string{"Sec-Fetch-Site": "cross-site"}, 403},
		{"foreign origin", url.Values{CSRFField: {tok}}, session, map[string]string{"Origin": "https://evil.example"}, 403},
		{"visitor, double submit", url.Values{CSRFField: {strings.Repeat("a", 64)}}, []*http.Cookie{{Name: PreCSRFCookie, Value: strings.Repeat("a", 64)}}, nil, 204},
		{"visitor, no cookie", url.Values{CSRFField: {strings.Repeat("a", 64)}}, nil, nil, 403},
		{"ended session", url.Values{CSRFField: {sessionToken("gone")}}, []*http.Cookie{{Name: SessionCookie, Value: "gone"}}, nil, 401},
	}
	for _, c := range cases {
		if w := post(h, c.form, c.cookies, c.header); w.Code != c.want {
			t.Errorf("%s: %d %s, want %d", c.name, w.Code, w.Body, c.want)
		}
	}
	big := url.Values{"x": {strings.Repeat("a", maxForm)}, CSRFField: {tok}}
	if w := post(h, big, session, nil); w.Code != http.StatusRequestEntityTooLarge {
		t.Errorf("a form over 1 MiB: %d", w.Code)
	}
}

// TestBudgetsShared: one budget counts every door's requests from one
// address; other addresses and local tools are not charged.
func TestBudgetsShared(t *testing.T) {
	b := NewBudgets(true, clock.Fixed(clock.TestNow()))
	from := func(ip string) *http.Request {
		r := httptest.NewRequest("POST", "/register", nil)
		r.RemoteAddr = ip + ":1"
		return r
	}
	refused := 0
	for i := range 20 { // 10 a burst: half through one door, half through the other
		var err error
		if i%2 == 0 {
			err = b.Check(from("198.51.100.1"), "register")
		} else {
			err = b.Limit("register", func(http.ResponseWriter, *http.Request) error { return nil })(nil, from("198.51.100.1"))
		}
		if err != nil {
			e := fault.As(err)
			if e.Kind != fault.RateLimited || e.RetryAfter < 1 || !strings.Contains(e.Message.EN, "Too many requests") {
				t.Fatalf("refusal %+v", e)
			}
			refused++
		}
	}
	if refused != 10 {
		t.Errorf("%d of 20 refused, want 10 (a burst of 10)", refused)
	}
	if err := b.Check(from("203.0.113.9"), "register"); err != nil {
		t.Errorf("another address: %v", err)
	}
	if err := b.Check(from("127.0.0.1"), "register"); err != nil {
		t.Errorf("a local tool: %v", err)
	}
	off := NewBudgets(false, time.Now)
	for range 50 {
		if err := off.Check(from("198.51.100.1"), "register"); err != nil {
			t.Fatalf("limits off: %v", err)
		}
	}
}

// TestSecure: each policy's headers, and HSTS only over HTTPS.
func TestSecure(t *testing.T) {
	h := Secure(API, http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest("GET", "/", nil))
	for k, v := range map[string]string{"Content-Security-Policy": API.CSP, "X-Content-Type-Options": "nosniff",
		"X-Frame-Options": "DENY", "Cache-Control": "no-store", "Cross-Origin-Resource-Policy": "same-origin"} {
		if got := w.Header().Get(k); got != v {
			t.Errorf("%s: %q, want %q", k, got, v)
		}
	}
	if w.Header().Get("Strict-Transport-Security") != "" {
		t.Error("HSTS over plain HTTP")
	}
	r := httptest.NewRequest("GET", "/", nil)
	r.RemoteAddr = "127.0.0.1:1"
	r.Header.Set("X-Forwarded-Proto", "https")
	w = httptest.NewRecorder()
	h.ServeHTTP(w, r)
	if w.Header().Get("Strict-Transport-Security") == "" {
		t.Error("no HSTS behind the local TLS proxy")
	}
}
