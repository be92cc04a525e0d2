// Package api is the JSON door into the services (spec/api.md): bearer
// tokens, JSON bodies, the spec's error body. It holds no business logic.
package api

import (
	"context"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"beian/internal/clock"
	"beian/internal/fault"
	"beian/internal/httpx"
	"beian/internal/ratelimit"
	"beian/internal/rules"
	"beian/internal/service"
)

// Deps is what the API needs.
type Deps struct {
	Service   *service.Service
	Validator *rules.Validator
	Log       *slog.Logger
	Now       func() time.Time
	// DisableRateLimits turns the per-IP abuse limits off (BEIAN_RATE_LIMITS=off,
	// load benchmarks from one client only). The zero value keeps them on.
	DisableRateLimits bool
	// IPLimits are the per-IP budgets shared with the HTML forms; nil
	// builds the API's own.
	IPLimits *ratelimit.Set
}

// API mounts the /api/v1 endpoints.
type API struct {
	svc *service.Service
	v   *rules.Validator
	log *slog.Logger
	now func() time.Time

	// Per client IP: the unauthenticated and lookup endpoints (issue 8).
	limits *ratelimit.Set
}

// New builds the API.
func New(d Deps) *API {
	a := &API{svc: d.Service, v: d.Validator, log: d.Log, now: d.Now}
	if a.log == nil {
		a.log = slog.New(slog.DiscardHandler)
	}
	if a.now == nil {
		a.now = clock.Wall // rate limits only: the validator has no business clock
		if a.svc != nil {
			a.now = a.svc.Now
		}
	}
	a.limits = d.IPLimits
	if a.limits == nil {
		a.limits = ratelimit.NewSet(d.DisableRateLimits)
	}
	return a
}

// route is one mounted endpoint.
type route struct {
	pattern string
	public  bool // no bearer token needed
	h       httpx.HandlerFunc
}

// routes is every implemented endpoint of api.md, in one table so the
// OpenAPI document can be checked against it.
func (a *API) routes() []route {
	return append([]route{
		{"GET /api/v1/openapi.json", true, a.openAPI},
		{"POST /api/v1/validate", true, a.limited("validate", ValidateHandler(a.v, a.now))},
		{"POST /api/v1/accounts", true, a.limited("register", a.register)},
		{"POST /api/v1/sessions", true, a.login},
		{"POST /api/v1/password-resets", true, a.limited("reset", a.requestReset)},
		{"POST /api/v1/password-resets/confirm", true, a.limited("reset", a.confirmReset)},
		{"DELETE /api/v1/sessions/current", false, a.logout},
		{"GET /api/v1/me", false, a.me},

		{"POST /api/v1/precheck", false, a.limited("precheck", a.precheck)},
		{"POST /api/v1/applications", false, a.createApplication},
		{"GET /api/v1/applications", false, a.listApplications},
		{"GET /api/v1/applications/{id}", false, a.getApplication},
		{"PUT /api/v1/applications/{id}", false, a.saveApplication},
		{"POST /api/v1/applications/{id}/submit", false, a.submit},
		{"POST /api/v1/applications/{id}/withdraw", false, a.withdraw},
		{"POST /api/v1/applications/{id}/attachments", false, a.upload},
		{"GET /api/v1/applications/{id}/attachments/{aid}", false, a.attachment},
		{"DELETE /api/v1/applications/{id}/attachments/{aid}", false, a.deleteAttachment},
		{"POST /api/v1/id-merge", false, a.idMerge},
	}, append(append(a.lifecycleRoutes(), a.filingRoutes()...), a.securityRoutes()...)...) // review.go: verification, SMS, review, admin; filings.go: records, public lookup; revoke.go: session revocation
}

// Routes mounts every implemented endpoint of api.md on mux.
func (a *API) Routes(mux *http.ServeMux) {
	for _, rt := range a.routes() {
		h := rt.h
		if !rt.public {
			h = a.authed(h)
		}
		mux.Handle(rt.pattern, a.wrap(h))
	}
	// Anything else under /api/v1 is a JSON 404, not the mux's text page.
	mux.Handle("/api/v1/", a.wrap(func(w http.ResponseWriter, r *http.Request) error { return fault.NewNotFound() }))
}

// limited refuses a client IP over the named budget with 429 and Retry-After.
func (a *API) limited(name string, h httpx.HandlerFunc) httpx.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		ip := clientIP(r)
		if ip == "" {
			return h(w, r)
		}
		if ok, wait := a.limits.Get(name).Allow(ip, a.now()); !ok {
			e := fault.New(fault.RateLimited, fault.CodeRateLimited, "请求过于频繁，请稍后再试", "too many requests; try again later")
			e.RetryAfter = max(1, wait)
			return e
		}
		return h(w, r)
	}
}

// wrap adds the security headers and the JSON error renderer.
func (a *API) wrap(h httpx.HandlerFunc) http.Handler {
	inner := httpx.Handle(a.log, httpx.RenderJSONError, h)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hd := w.Header()
		hd.Set("X-Content-Type-Options", "nosniff")
		hd.Set("X-Frame-Options", "DENY")
		hd.Set("Referrer-Policy", "no-referrer")
		hd.Set("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'")
		hd.Set("Cache-Control", "no-store")
		hd.Set("Cross-Origin-Resource-Policy", "same-origin")
		inner.ServeHTTP(w, r)
	})
}

type ctxKey int

const (
	accountKey ctxKey = iota
	tokenKey
)

// authed requires a bearer token of a live session (401 otherwise).
func (a *API) authed(h httpx.HandlerFunc) httpx.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		tok := bearer(r)
		if tok == "" {
			w.Header().Set("WWW-Authenticate", `Bearer realm="beian"`)
			return fault.NewUnauthorized()
		}
		acc, err := a.svc.Authenticate(r.Context(), tok)
		if err != nil {
			w.Header().Set("WWW-Authenticate", `Bearer realm="beian", error="invalid_token"`)
			return err
		}
		ctx := context.WithValue(r.Context(), accountKey, acc)
		ctx = context.WithValue(ctx, tokenKey, tok)
		return h(w, r.WithContext(ctx))
	}
}

func bearer(r *http.Request) string {
	h := r.Header.Get("Authorization")
	if len(h) > 7 && strings.EqualFold(h[:7], "bearer ") {
		return strings.TrimSpace(h[7:])
	}
	return ""
}

func account(r *http.Request) *service.Account {
	acc, _ := r.Context().Value(accountKey).(*service.Account)
	return acc
}

// clientIP is the address per-IP limits count against (httpx.LimitedIP).
func clientIP(r *http.Request) string { return httpx.LimitedIP(r) }

func rfc3339(t time.Time) *string {
	if t.IsZero() {
		return nil
	}
	s := t.UTC().Format(time.RFC3339)
	return &s
}
