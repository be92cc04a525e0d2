// Package api is the JSON door into the services (spec/api.md): bearer
// tokens, JSON bodies, the spec's error body. It holds no business logic.
package api

import (
	"log/slog"
	"net/http"
	"slices"
	"time"

	"beian/internal/clock"
	"beian/internal/fault"
	"beian/internal/httpx"
	"beian/internal/middleware"
	"beian/internal/rules"
	"beian/internal/service"
	"beian/internal/webhooks"
)

// Deps is what the API needs.
type Deps struct {
	Service   *service.Service
	Validator *rules.Validator
	Log       *slog.Logger
	Now       func() time.Time
	// Budgets are the per-IP limits the HTML forms draw on too; nil builds
	// the API's own, on unless DisableRateLimits.
	Budgets *middleware.Budgets
	// DisableRateLimits turns the API's own per-IP limits off
	// (BEIAN_RATE_LIMITS=off, load benchmarks from one client only).
	DisableRateLimits bool
	// Webhooks are the partner webhooks (webhooks.go); nil answers 404.
	Webhooks *webhooks.Webhooks
}

// API mounts the /api/v1 endpoints.
type API struct {
	svc *service.Service
	v   *rules.Validator
	log *slog.Logger
	now func() time.Time

	// Per client IP: the unauthenticated and lookup endpoints (issue 8).
	budgets *middleware.Budgets

	webhooks *webhooks.Webhooks
}

// New builds the API.
func New(d Deps) *API {
	a := &API{svc: d.Service, v: d.Validator, log: d.Log, now: d.Now, webhooks: d.Webhooks}
	if a.log == nil {
		a.log = slog.New(slog.DiscardHandler)
	}
	if a.now == nil {
		a.now = clock.Wall // rate limits only: the validator has no business clock
		if a.svc != nil {
			a.now = a.svc.Now
		}
	}
	a.budgets = d.Budgets
	if a.budgets == nil {
		a.budgets = middleware.NewBudgets(!d.DisableRateLimits, a.now)
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
	}, slices.Concat(a.lifecycleRoutes(), a.filingRoutes(), a.securityRoutes(), a.webhookRoutes(), a.dutyRoutes())...) // review.go: verification, SMS, review, admin; filings.go: records, public lookup; revoke.go: session revocation; webhooks.go; duties.go
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

// limited puts h behind the named per-IP budget (shared with the HTML forms).
func (a *API) limited(name string, h httpx.HandlerFunc) httpx.HandlerFunc {
	return a.budgets.Limit(name, h)
}

// wrap is the API's middleware: its security headers and the JSON error
// renderer.
func (a *API) wrap(h httpx.HandlerFunc) http.Handler {
	return middleware.Secure(middleware.API, httpx.Handle(a.log, httpx.RenderJSONError, h))
}

// authed requires a bearer token of a live session (401 otherwise).
func (a *API) authed(h httpx.HandlerFunc) httpx.HandlerFunc {
	return middleware.Bearer(a.svc.Authenticate, h)
}

// account is the caller of an authed endpoint.
func account(r *http.Request) *service.Account { return middleware.Account(r) }

// clientIP is the address per-IP limits count against (httpx.LimitedIP).
func clientIP(r *http.Request) string { return httpx.LimitedIP(r) }

func rfc3339(t time.Time) *string {
	if t.IsZero() {
		return nil
	}
	s := t.UTC().Format(time.RFC3339)
	return &s
}
