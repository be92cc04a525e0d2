package app

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"beian/internal/api/apitest"
	"beian/internal/config"
	"beian/internal/storage"
)

// secEnv is the real server handler (every route, as `beian serve` serves
// it) on a fresh SQLite data dir.
type secEnv struct {
	t       *testing.T
	st      *storage.Store
	handler http.Handler
	dbPath  string
	sys     *System
}

func newSecEnv(t *testing.T) *secEnv {
	t.Helper()
	e := newSecEnvTB(t)
	e.t = t
	e.handler = apitest.Checked(t, e.handler) // every API answer as openapi.json says
	return e
}

func newSecEnvTB(t testing.TB) *secEnv { return newSecEnvWith(t, nil) }

// newSecEnvWith is newSecEnvTB with settings (BEIAN_… variables) of the test's own.
func newSecEnvWith(t testing.TB, env map[string]string) *secEnv {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	cfg, err := config.Load(func(k string) string {
		if k == "BEIAN_DATA_DIR" {
			return dir
		}
		return env[k]
	})
	if err != nil {
		t.Fatal(err)
	}
	cfg.AdminEmail, cfg.AdminPassword = "admin@beian.test", "Admin-pass-123"
	sys := running(t, cfg)
	st := sys.Store
	if _, _, err := sys.Service.EnsureAdmin(ctx, cfg.AdminEmail, cfg.AdminPassword); err != nil {
		t.Fatal(err)
	}
	return &secEnv{st: st, handler: sys.Handler(), sys: sys, dbPath: strings.TrimPrefix(cfg.DatabaseURL, "sqlite:")}
}

type reply struct {
	status int
	header http.Header
	body   []byte
}

func (r reply) code() string {
	var m struct {
		Error struct{ Code string } `json:"error"`
	}
	json.Unmarshal(r.body, &m)
	return m.Error.Code
}

// do sends a request from 127.0.0.1 (a local tool: no per-IP budget) or,
// with ip set, from that address.
func (e *secEnv) do(ip, method, path, token string, body any) reply {
	e.t.Helper()
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req := httptest.NewRequest(method, path, rd)
	req.RemoteAddr = "127.0.0.1:40000"
	if ip != "" {
		req.RemoteAddr = ip + ":40000"
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	rec := httptest.NewRecorder()
	e.handler.ServeHTTP(rec, req)
	return reply{rec.Code, rec.Header(), rec.Body.Bytes()}
}

func (e *secEnv) register(email, phone string) {
	e.t.Helper()
	if r := e.do("", "POST", "/api/v1/accounts", "", map[string]any{"email": email, "phone": phone, "password": "Str0ng-pass!"}); r.status != 201 {
		e.t.Fatalf("register %s: %d %s", email, r.status, r.body)
	}
}

func (e *secEnv) login(email, password string) string {
	e.t.Helper()
	r := e.do("", "POST", "/api/v1/sessions", "", map[string]any{"email": email, "password": password})
	if r.status != 201 {
		e.t.Fatalf("login %s: %d %s", email, r.status, r.body)
	}
	var m struct{ Token string }
	json.Unmarshal(r.body, &m)
	return m.Token
}

// TestWrongPasswordFlood is issue 8's bar: 200 wrong passwords in a row for
// one account, from loopback like a local script, get 429 with Retry-After,
// while other accounts on the same loopback log in normally meanwhile.
func TestWrongPasswordFlood(t *testing.T) {
	e := newSecEnv(t)
	e.register("victim@example.com", "13911110001")
	for i := range 5 {
		e.register(fmt.Sprintf("calm%d@example.com", i), fmt.Sprintf("1391111010%d", i))
	}
	limited, unauthorized := 0, 0
	for i := range 200 {
		r := e.do("", "POST", "/api/v1/sessions", "", map[string]any{"email": "victim@example.com", "password": fmt.Sprintf("guess-%d", i)})
		switch r.status {
		case 401:
			unauthorized++
		case 429:
			if r.header.Get("Retry-After") == "" || r.code() != "rate_limited" {
				t.Fatalf("429 without Retry-After or code: %v %s", r.header, r.body)
			}
			limited++
		default:
			t.Fatalf("wrong password %d: %d %s", i, r.status, r.body)
		}
		if i%40 == 39 { // others are served all along
			e.login(fmt.Sprintf("calm%d@example.com", i/40), "Str0ng-pass!")
		}
	}
	t.Logf("200 wrong passwords: %d × 401, %d × 429", unauthorized, limited)
	if limited < 190 {
		t.Errorf("only %d of 200 wrong passwords refused with 429", limited)
	}
	// The right password is refused too while the account is locked: a
	// guesser cannot tell when it found it.
	if r := e.do("", "POST", "/api/v1/sessions", "", map[string]any{"email": "victim@example.com", "password": "Str0ng-pass!"}); r.status != 429 {
		t.Errorf("the locked account's right password: %d", r.status)
	}
	// From a real client address, the per-IP budget stops a spray across accounts.
	sprayed := 0
	for i := range 60 {
		if r := e.do("198.51.100.7", "POST", "/api/v1/sessions", "", map[string]any{"email": fmt.Sprintf("nobody%d@example.com", i), "password": "x"}); r.status == 429 {
			sprayed++
		}
	}
	if sprayed < 30 {
		t.Errorf("only %d of 60 logins across accounts from one address refused", sprayed)
	}
	if r := e.do("203.0.113.9", "POST", "/api/v1/sessions", "", map[string]any{"email": "calm4@example.com", "password": "Str0ng-pass!"}); r.status != 201 {
		t.Errorf("another address: %d %s", r.status, r.body)
	}
}

// TestPrecheckFlood is issue 8's bar: 2,000 pre-checks from one account get
// 429s while other accounts are served; through the real router from loopback.
func TestPrecheckFlood(t *testing.T) {
	e := newSecEnv(t)
	e.register("flood@example.com", "13911110001")
	e.register("calm@example.com", "13911110002")
	flood, calm := e.login("flood@example.com", "Str0ng-pass!"), e.login("calm@example.com", "Str0ng-pass!")
	limited := 0
	began := time.Now()
	for i := range 2000 {
		r := e.do("", "POST", "/api/v1/precheck", flood, map[string]any{"domain": fmt.Sprintf("flood%d.cn", i), "cert_type": "business_license", "cert_number": "91110105MA0000009T"})
		switch r.status {
		case 200:
		case 429:
			if r.header.Get("Retry-After") == "" {
				t.Fatalf("429 without Retry-After")
			}
			limited++
		default:
			t.Fatalf("precheck %d: %d %s", i, r.status, r.body)
		}
		if i%200 == 199 {
			if r := e.do("", "POST", "/api/v1/precheck", calm, map[string]any{"domain": fmt.Sprintf("calm%d.cn", i), "cert_type": "business_license", "cert_number": "91110105MA0000008P"}); r.status != 200 {
				t.Fatalf("another account's pre-check during the flood: %d %s", r.status, r.body)
			}
		}
	}
	t.Logf("2,000 pre-checks of one account in %v: %d refused", time.Since(began).Round(time.Millisecond), limited)
	if limited < 1500 {
		t.Errorf("only %d of 2,000 pre-checks refused", limited)
	}
}

// TestUnauthenticatedLimits: registration, password reset, validation and
// the public lookup answer 429 with Retry-After per client address.
func TestUnauthenticatedLimits(t *testing.T) {
	e := newSecEnv(t)
	cases := []struct {
		name   string
		method string
		path   string
		body   func(i int) any
		n      int
	}{
		{"register", "POST", "/api/v1/accounts", func(i int) any {
			return map[string]any{"email": fmt.Sprintf("r%d@example.com", i), "phone": fmt.Sprintf("1391112%04d", i), "password": "Str0ng-pass!"}
		}, 30},
		{"reset", "POST", "/api/v1/password-resets", func(i int) any { return map[string]any{"email": "x@example.com"} }, 30},
		{"validate", "POST", "/api/v1/validate", func(i int) any { return map[string]any{"flow": "first_filing"} }, 150},
		{"lookup", "GET", "/api/v1/public/filings?q=example.cn", func(i int) any { return nil }, 150},
	}
	for k, c := range cases {
		ip := fmt.Sprintf("198.51.100.%d", 20+k)
		limited := 0
		for i := range c.n {
			r := e.do(ip, c.method, c.path, "", c.body(i))
			if r.status == 429 {
				if r.header.Get("Retry-After") == "" {
					t.Fatalf("%s: 429 without Retry-After", c.name)
				}
				limited++
			}
		}
		if limited == 0 {
			t.Errorf("%s: %d requests from one address, none refused", c.name, c.n)
		}
		if r := e.do("203.0.113.50", c.method, c.path, "", c.body(1000+k)); r.status == 429 {
			t.Errorf("%s: another address refused", c.name)
		}
	}
}

// TestSecurityHeadersEverywhere walks the API, the web UI, the back office,
// static files, errors and 404s: every answer carries the headers.
func TestSecurityHeadersEverywhere(t *testing.T) {
	e := newSecEnv(t)
	paths := []struct{ method, path string }{
		{"GET", "/healthz"}, {"GET", "/api/v1/openapi.json"}, {"GET", "/api/v1/me"}, {"GET", "/api/v1/no-such-thing"},
		{"POST", "/api/v1/validate"}, {"PATCH", "/api/v1/me"}, {"GET", "/api/v1/public/filings?q=example.cn"},
		{"GET", "/"}, {"GET", "/login"}, {"GET", "/register"}, {"GET", "/lookup"}, {"GET", "/password/forgot"},
		{"GET", "/static/app.css"}, {"GET", "/static/app.js"}, {"GET", "/static/missing.css"}, {"GET", "/no/such/page"},
		{"POST", "/login"}, {"GET", "/applications/01999999-0000-7000-8000-000000000000"}, {"GET", "/filings"},
		{"GET", "/review"}, {"GET", "/review/static/bo.css"}, {"GET", "/admin"}, {"GET", "/admin/audit.csv"}, {"GET", "/admin/nothing"},
		{"OPTIONS", "/"}, {"DELETE", "/login"},
	}
	want := []string{"Content-Security-Policy", "X-Content-Type-Options", "X-Frame-Options", "Referrer-Policy"}
	for _, p := range paths {
		r := e.do("", p.method, p.path, "", nil)
		for _, h := range want {
			if r.header.Get(h) == "" {
				t.Errorf("%s %s (%d) lacks %s", p.method, p.path, r.status, h)
			}
		}
		if csp := r.header.Get("Content-Security-Policy"); csp != "" && !strings.Contains(csp, "frame-ancestors 'none'") {
			t.Errorf("%s %s: CSP %q allows framing", p.method, p.path, csp)
		}
		if r.status >= 500 {
			t.Errorf("%s %s: %d", p.method, p.path, r.status)
		}
		if r.header.Get("Strict-Transport-Security") != "" {
			t.Errorf("%s %s: HSTS over plain HTTP", p.method, p.path)
		}
	}
	// Behind a TLS-terminating proxy on this host: HSTS too; a remote peer cannot claim it.
	for _, c := range []struct {
		peer string
		want bool
	}{{"127.0.0.1:1", true}, {"198.51.100.5:1", false}} {
		req := httptest.NewRequest("GET", "/login", nil)
		req.RemoteAddr = c.peer
		req.Header.Set("X-Forwarded-Proto", "https")
		rec := httptest.NewRecorder()
		e.handler.ServeHTTP(rec, req)
		if got := rec.Header().Get("Strict-Transport-Security") != ""; got != c.want {
			t.Errorf("HSTS from %s with X-Forwarded-Proto https: %v, want %v", c.peer, got, c.want)
		}
	}
}

// TestSessionsExpireAndAdminsRevoke: an expired session is refused; an
// admin's revocation ends every token and browser login of the account at
// once (there is no cache in front of Authenticate) and is audited.
func TestSessionsExpireAndAdminsRevoke(t *testing.T) {
	e := newSecEnv(t)
	e.register("user@example.com", "13911110001")
	e.register("other@example.com", "13911110002")
	t1, t2 := e.login("user@example.com", "Str0ng-pass!"), e.login("user@example.com", "Str0ng-pass!")
	other := e.login("other@example.com", "Str0ng-pass!")
	admin := e.login("admin@beian.test", "Admin-pass-123")
	var me struct{ ID string }
	json.Unmarshal(e.do("", "GET", "/api/v1/me", t1, nil).body, &me)

	// A browser login of the same account.
	jar := webLogin(t, e, "user@example.com", "Str0ng-pass!")
	if r := e.webGet("/filings", jar); r.status != 200 {
		t.Fatalf("web session before revocation: %d", r.status)
	}

	path := "/api/v1/admin/users/" + me.ID + "/sessions/revoke"
	if r := e.do("", "POST", path, other, nil); r.status != 404 {
		t.Errorf("an applicant revoking: %d %s", r.status, r.body)
	}
	if r := e.do("", "POST", "/api/v1/admin/users/no-such-id/sessions/revoke", admin, nil); r.status != 404 {
		t.Errorf("revoking an unknown account: %d %s", r.status, r.body)
	}
	r := e.do("", "POST", path, admin, nil)
	if r.status != 200 || !strings.Contains(string(r.body), `"revoked":3`) {
		t.Fatalf("revoke: %d %s", r.status, r.body)
	}
	for _, tok := range []string{t1, t2} {
		if r := e.do("", "GET", "/api/v1/me", tok, nil); r.status != 401 {
			t.Errorf("a revoked token: %d", r.status)
		}
	}
	if r := e.webGet("/filings", jar); r.status != 303 && r.status != 302 && r.status != 401 {
		t.Errorf("a revoked browser session: %d", r.status)
	}
	if r := e.do("", "GET", "/api/v1/me", other, nil); r.status != 200 {
		t.Errorf("another account's session: %d", r.status)
	}
	au := e.do("", "GET", "/api/v1/admin/audit?object_id="+me.ID, admin, nil)
	if !strings.Contains(string(au.body), "account.sessions_revoked") {
		t.Errorf("revocation not audited: %s", au.body)
	}

	// Expiry: a session past its expires_at is refused.
	t3 := e.login("user@example.com", "Str0ng-pass!")
	e.exec(`UPDATE sessions SET expires_at = ? WHERE account_id = ?`, e.st.Now().Add(-time.Minute).UnixMilli(), me.ID)
	if r := e.do("", "GET", "/api/v1/me", t3, nil); r.status != 401 {
		t.Errorf("an expired session: %d", r.status)
	}
}

var resetTokenRE = regexp.MustCompile(`token=([A-Za-z0-9_%-]+)`)

// TestPasswordResetTokens: a reset token works once, not twice, and not after
// an hour; using it ends the account's sessions.
func TestPasswordResetTokens(t *testing.T) {
	e := newSecEnv(t)
	e.register("user@example.com", "13911110001")
	old := e.login("user@example.com", "Str0ng-pass!")
	admin := e.login("admin@beian.test", "Admin-pass-123")
	// Used once before the reset, so the instance has it cached.
	if r := e.do("", "GET", "/api/v1/me", old, nil); r.status != 200 {
		t.Fatalf("session before the reset: %d", r.status)
	}
	token := func() string {
		t.Helper()
		if r := e.do("", "POST", "/api/v1/password-resets", "", map[string]any{"email": "user@example.com"}); r.status >= 300 {
			t.Fatalf("reset request: %d %s", r.status, r.body)
		}
		if _, err := e.sys.Runner.RunDue(context.Background()); err != nil { // the mail job
			t.Fatal(err)
		}
		r := e.do("", "GET", "/api/v1/admin/outbox?channel=email&to=user@example.com", admin, nil)
		m := resetTokenRE.FindStringSubmatch(string(r.body))
		if m == nil {
			t.Fatalf("no reset link in the outbox: %s", r.body)
		}
		tok, _ := url.QueryUnescape(m[1])
		return tok
	}
	confirm := func(tok, pw string) reply {
		return e.do("", "POST", "/api/v1/password-resets/confirm", "", map[string]any{"token": tok, "password": pw})
	}
	// A newer link ends the older one (issue 12 item 7).
	older := token()
	tok := token()
	if tok == older {
		t.Fatal("the outbox still shows the older link")
	}
	if r := confirm(older, "Older-passw0rd!"); r.status != 422 || r.code() != "account.reset_token_invalid" {
		t.Errorf("the older link after a newer one: %d %s", r.status, r.body)
	}
	if r := confirm(tok, "New-passw0rd!"); r.status >= 300 {
		t.Fatalf("reset: %d %s", r.status, r.body)
	}
	if r := e.do("", "GET", "/api/v1/me", old, nil); r.status != 401 {
		t.Errorf("a session from before the reset: %d", r.status)
	}
	if r := confirm(tok, "Other-passw0rd!"); r.status != 422 || r.code() != "account.reset_token_invalid" {
		t.Errorf("the same token again: %d %s", r.status, r.body)
	}
	e.login("user@example.com", "New-passw0rd!")

	// Expired: an hour later the link is dead.
	tok2 := token()
	if tok2 == tok {
		t.Fatal("the outbox still shows the old link")
	}
	e.exec(`UPDATE password_resets SET expires_at = ?`, e.st.Now().Add(-time.Second).UnixMilli())
	if r := confirm(tok2, "Other-passw0rd!"); r.status != 422 || r.code() != "account.reset_token_invalid" {
		t.Errorf("an expired token: %d %s", r.status, r.body)
	}
}

func (e *secEnv) exec(q string, args ...any) {
	e.t.Helper()
	db, err := sql.Open("sqlite", "file:"+e.dbPath+"?_pragma=busy_timeout(10000)")
	if err != nil {
		e.t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(q, args...); err != nil {
		e.t.Fatal(err)
	}
}

// webLogin logs in through the HTML form (CSRF token included) and returns the cookies.
func webLogin(t *testing.T, e *secEnv, email, password string) []*http.Cookie {
	t.Helper()
	page := httptest.NewRecorder()
	e.handler.ServeHTTP(page, httptest.NewRequest("GET", "/login", nil))
	m := regexp.MustCompile(`name="csrf" value="([^"]+)"`).FindStringSubmatch(page.Body.String())
	if m == nil {
		t.Fatalf("no CSRF field on the login page:\n%.500s", page.Body.String())
	}
	form := url.Values{"email": {email}, "password": {password}, "csrf": {m[1]}}
	req := httptest.NewRequest("POST", "/login", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.RemoteAddr = "127.0.0.1:40000"
	for _, c := range page.Result().Cookies() {
		req.AddCookie(c)
	}
	rec := httptest.NewRecorder()
	e.handler.ServeHTTP(rec, req)
	if rec.Code != 303 {
		t.Fatalf("web login: %d %.300s", rec.Code, rec.Body.String())
	}
	return append(page.Result().Cookies(), rec.Result().Cookies()...)
}

// webPost posts an encoded form from a local tool with the browser's cookies.
func (e *secEnv) webPost(path, form string, cookies []*http.Cookie) *httptest.ResponseRecorder {
	req := httptest.NewRequest("POST", path, strings.NewReader(form))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.RemoteAddr = "127.0.0.1:40000"
	for _, c := range cookies {
		req.AddCookie(c)
	}
	rec := httptest.NewRecorder()
	e.handler.ServeHTTP(rec, req)
	return rec
}

func (e *secEnv) webGet(path string, cookies []*http.Cookie) reply {
	req := httptest.NewRequest("GET", path, nil)
	for _, c := range cookies {
		req.AddCookie(c)
	}
	rec := httptest.NewRecorder()
	e.handler.ServeHTTP(rec, req)
	return reply{rec.Code, rec.Header(), rec.Body.Bytes()}
}

// TestAuditWhoWhatWhenWhere: a staff read of someone's application and a
// decision are in the audit log with the actor, the action, the time and
// the address (the peer, or the proxy's X-Forwarded-For hop); admins get it
// as JSON and CSV, nobody else does.
func TestAuditWhoWhatWhenWhere(t *testing.T) {
	e := newSecEnv(t)
	e.register("user@example.com", "13911110001")
	user := e.login("user@example.com", "Str0ng-pass!")
	admin := e.login("admin@beian.test", "Admin-pass-123")
	cr := e.do("", "POST", "/api/v1/applications", user, map[string]any{"domain": "audit-example.cn", "cert_type": "business_license", "cert_number": "91110105MA0000009T"})
	if cr.status != 201 {
		t.Fatalf("create: %d %s", cr.status, cr.body)
	}
	var app struct{ ID string }
	json.Unmarshal(cr.body, &app)

	if r := e.do("198.51.100.44", "GET", "/api/v1/applications/"+app.ID, admin, nil); r.status != 200 {
		t.Fatalf("staff read: %d %s", r.status, r.body)
	}
	// Through a reverse proxy on this host: the appended hop is the client.
	req := httptest.NewRequest("GET", "/api/v1/review/applications/"+app.ID, nil)
	req.RemoteAddr = "127.0.0.1:5555"
	req.Header.Set("X-Forwarded-For", "10.9.9.9, 203.0.113.77")
	req.Header.Set("Authorization", "Bearer "+admin)
	e.handler.ServeHTTP(httptest.NewRecorder(), req)

	before := e.st.Now().Add(-time.Minute)
	r := e.do("", "GET", "/api/v1/admin/audit?object_id="+app.ID, admin, nil)
	var log struct {
		Items []struct {
			At        string `json:"at"`
			ActorID   string `json:"actor_id"`
			ActorRole string `json:"actor_role"`
			Action    string `json:"action"`
			IP        string `json:"ip"`
		} `json:"items"`
	}
	if err := json.Unmarshal(r.body, &log); err != nil {
		t.Fatalf("audit: %d %s", r.status, r.body)
	}
	var ips []string
	for _, it := range log.Items {
		if it.Action == "application.read" {
			ips = append(ips, it.IP)
			at, err := time.Parse(time.RFC3339, it.At)
			if it.ActorRole != "admin" || it.ActorID == "" || err != nil || at.Before(before) {
				t.Errorf("entry without who or when: %+v", it)
			}
		}
	}
	if len(ips) != 2 || !strings.Contains(strings.Join(ips, ","), "198.51.100.44") || !strings.Contains(strings.Join(ips, ","), "203.0.113.77") {
		t.Errorf("staff reads from %v, want 198.51.100.44 and 203.0.113.77\n%s", ips, r.body)
	}
	csv := e.do("", "GET", "/api/v1/admin/audit?format=csv", admin, nil)
	if csv.status != 200 || !strings.Contains(string(csv.body), "198.51.100.44") || !strings.Contains(csv.header.Get("Content-Type"), "text/csv") {
		t.Errorf("audit CSV: %d %.300s", csv.status, csv.body)
	}
	if r := e.do("", "GET", "/api/v1/admin/audit", user, nil); r.status != 404 {
		t.Errorf("an applicant reading the audit log: %d", r.status)
	}
}

// TestWebFormLimits: the HTML registration, password reset and public
// lookup have the API's per-IP budgets, so scripts cannot sidestep the
// API's 429s through the forms; other addresses and local tools are served.
func TestWebFormLimits(t *testing.T) {
	e := newSecEnv(t)
	send := func(ip, method, path string) reply {
		req := httptest.NewRequest(method, path, strings.NewReader("email=x%40example.com"))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.RemoteAddr = ip + ":40000"
		rec := httptest.NewRecorder()
		e.handler.ServeHTTP(rec, req)
		return reply{rec.Code, rec.Header(), rec.Body.Bytes()}
	}
	for k, c := range []struct {
		method, path string
		n            int
	}{
		{"POST", "/register", 30}, {"POST", "/password/forgot", 30}, {"POST", "/password/reset", 30}, {"GET", "/lookup?q=example.cn", 150},
		{"POST", "/apply", 150}, // the pre-check form (issue 12: it had no per-IP budget)
	} {
		ip := fmt.Sprintf("198.51.100.%d", 60+k)
		limited := 0
		for range c.n {
			r := send(ip, c.method, c.path)
			if r.status == 429 {
				if r.header.Get("Retry-After") == "" || r.header.Get("Content-Security-Policy") == "" || !strings.Contains(string(r.body), "Too many requests") {
					t.Fatalf("%s %s: 429 without Retry-After, headers or message: %v %s", c.method, c.path, r.header, r.body)
				}
				limited++
			}
		}
		if limited == 0 {
			t.Errorf("%s %s: %d from one address, none refused", c.method, c.path, c.n)
		}
		if r := send("203.0.113.60", c.method, c.path); r.status == 429 {
			t.Errorf("%s %s: another address refused", c.method, c.path)
		}
		if r := send("127.0.0.1", c.method, c.path); r.status == 429 {
			t.Errorf("%s %s: a local tool refused", c.method, c.path)
		}
	}
}

// TestBodyLimits: oversized bodies are refused on every door — JSON (413
// payload_too_large), HTML forms and the back office (4xx) and uploads
// (413) — without a 5xx.
func TestBodyLimits(t *testing.T) {
	e := newSecEnv(t)
	e.register("user@example.com", "13911110001")
	tok := e.login("user@example.com", "Str0ng-pass!")
	big := `{"email":"` + strings.Repeat("a", 2<<20) + `"}`
	for _, path := range []string{"/api/v1/validate", "/api/v1/sessions", "/api/v1/accounts", "/api/v1/precheck", "/api/v1/password-resets"} {
		req := httptest.NewRequest("POST", path, strings.NewReader(big))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+tok)
		req.RemoteAddr = "127.0.0.1:1"
		rec := httptest.NewRecorder()
		e.handler.ServeHTTP(rec, req)
		if rec.Code != 413 || !strings.Contains(rec.Body.String(), "payload_too_large") {
			t.Errorf("POST %s with 2 MiB: %d %.200s", path, rec.Code, rec.Body.String())
		}
	}
	form := "email=" + strings.Repeat("a", 2<<20)
	adminCookies := webLogin(t, e, "admin@beian.test", "Admin-pass-123") // the back office reads forms of staff only
	for _, path := range []string{"/login", "/register", "/password/forgot", "/admin/staff", "/review/applications/x/decision"} {
		rec := e.webPost(path, form, adminCookies)
		if rec.Code < 400 || rec.Code >= 500 {
			t.Errorf("POST %s with a 2 MiB form: %d", path, rec.Code)
		}
	}
	// An upload far over the attachment limit.
	cr := e.do("", "POST", "/api/v1/applications", tok, map[string]any{"domain": "limits-example.cn", "cert_type": "business_license", "cert_number": "91110105MA0000009T"})
	var app struct{ ID string }
	json.Unmarshal(cr.body, &app)
	var buf bytes.Buffer
	buf.WriteString("--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"x.jpg\"\r\nContent-Type: image/jpeg\r\n\r\n")
	buf.Write(bytes.Repeat([]byte{0xFF}, 25<<20))
	buf.WriteString("\r\n--b--\r\n")
	req := httptest.NewRequest("POST", "/api/v1/applications/"+app.ID+"/attachments", &buf)
	req.Header.Set("Content-Type", "multipart/form-data; boundary=b")
	req.Header.Set("Authorization", "Bearer "+tok)
	req.RemoteAddr = "127.0.0.1:1"
	rec := httptest.NewRecorder()
	e.handler.ServeHTTP(rec, req)
	if rec.Code != 413 {
		t.Errorf("a 25 MiB upload: %d %.200s", rec.Code, rec.Body.String())
	}
}
