// Package web is the applicant's door into Beian: server-rendered HTML
// pages over the same services the JSON API uses. Templates and static
// files are embedded and parsed once at start-up; handlers return errors
// and one renderer turns them into friendly pages.
package web

import (
	"errors"
	"log/slog"
	"net/http"
	"time"

	"beian/internal/config"
	"beian/internal/fault"
	"beian/internal/httpx"
	"beian/internal/middleware"
	"beian/internal/refdata"
	"beian/internal/service"
)

// Deps is what the UI needs.
type Deps struct {
	Service *service.Service
	Config  config.Config
	Log     *slog.Logger
	Now     func() time.Time
	// Budgets are the per-IP limits the API draws on too; nil builds this
	// door's own from Config.RateLimits.
	Budgets *middleware.Budgets
}

// Web serves the HTML UI.
type Web struct {
	svc     *service.Service
	cfg     config.Config
	log     *slog.Logger
	now     func() time.Time
	ref     *refdata.Data
	pages   *pages
	budgets *middleware.Budgets
	forms   middleware.Forms // every other form: small, no files
	uploads middleware.Forms // the upload form
}

// New parses the templates (failing fast on a broken one) and returns the UI.
func New(d Deps) (*Web, error) {
	if d.Service == nil {
		return nil, errors.New("web: no service")
	}
	if d.Log == nil {
		d.Log = slog.Default()
	}
	if d.Now == nil {
		d.Now = d.Service.Now
	}
	p, err := parsePages()
	if err != nil {
		return nil, err
	}
	if d.Budgets == nil {
		d.Budgets = middleware.NewBudgets(d.Config.RateLimits, d.Now)
	}
	// Uploads: one attachment (or an ID card's two sides) plus the form
	// fields; 1 MiB in memory, the rest spooled to a temporary file.
	uploads := middleware.Forms{MaxUpload: 2*d.Service.AttachmentMaxBytes() + (1 << 20), TooLarge: d.Service.ErrAttachmentTooLarge}
	return &Web{svc: d.Service, cfg: d.Config, log: d.Log, now: d.Now, ref: refdata.Default(), pages: p,
		budgets: d.Budgets, uploads: uploads}, nil
}

// Routes mounts every page. The JSON API owns /api/v1/; everything else is here.
func (wb *Web) Routes(mux *http.ServeMux) {
	h := func(pattern string, fn httpx.HandlerFunc) { mux.Handle(pattern, wb.handle(wb.forms.Check(fn))) }
	// Behind a per-IP budget (the API's too), spent before the form is read.
	limited := func(pattern, budget string, fn httpx.HandlerFunc) {
		mux.Handle(pattern, wb.handle(wb.budgets.Limit(budget, wb.forms.Check(fn))))
	}

	mux.Handle("GET /static/", middleware.Secure(middleware.Pages, wb.static()))
	h("GET /refdata/divisions/{code}", wb.divisions)
	h("GET /lang", wb.switchLang)

	h("GET /login", wb.loginPage)
	h("POST /login", wb.loginPost)
	h("GET /register", wb.registerPage)
	limited("POST /register", "register", wb.registerPost)
	h("GET /password/forgot", wb.forgotPage)
	limited("POST /password/forgot", "reset", wb.forgotPost)
	h("GET /password/reset", wb.resetPage)
	limited("POST /password/reset", "reset", wb.resetPost)
	h("POST /logout", wb.logout)

	h("GET /{$}", wb.home)
	h("POST /records/start", wb.startFromRecord)
	h("GET /filings", wb.filingsPage) // filings.go: 我的备案
	h("GET /duties", wb.dutiesPage)   // duties.go: expiry and duty reminders
	h("POST /duties/psb-filing", wb.psbFiledPost)
	h("POST /duties/licence-validity", wb.licenceValidityPost)
	h("GET /records/cancel", wb.cancelStart) // choose the type, give the reason
	h("POST /records/cancel", wb.cancelPost)
	h("GET /lookup", wb.lookup) // the public lookup, no account needed
	h("GET /apply", wb.precheckPage)
	limited("POST /apply", "precheck", wb.precheckPost)
	h("GET /applications/{id}", wb.progress)
	h("POST /applications/{id}/withdraw", wb.withdraw)
	h("GET /applications/{id}/document", wb.documentPage) // summary.go: what was submitted, read-only
	h("POST /applications/{id}/copy", wb.copyPost)
	h("POST /applications/{id}/verification", wb.verificationPost)
	h("POST /applications/{id}/sms", wb.smsPost)
	for _, s := range formSteps {
		h("GET /applications/{id}/"+s, wb.stepPage)
		h("POST /applications/{id}/"+s, wb.stepPost)
	}
	h("GET /applications/{id}/uploads", wb.uploadsPage)
	// The upload form alone takes files: an attachment, or an ID card's two
	// sides, spooled to disk beyond 1 MiB.
	mux.Handle("POST /applications/{id}/attachments", wb.handle(wb.uploads.Check(wb.uploadPost)))
	h("GET /applications/{id}/attachments/{aid}", wb.attachmentFile)
	h("POST /applications/{id}/attachments/{aid}/delete", wb.attachmentDelete)
	h("GET /applications/{id}/submit", wb.submitPage)
	h("POST /applications/{id}/submit", wb.submitPost)
	h("GET /applications/{id}/verification-form/{n}", wb.legacyVerificationForm)
	h("GET /applications/{id}/forms/verification/{website}", wb.verificationFormPage) // forms.go: printable A4 forms
	h("GET /applications/{id}/forms/security-letter", wb.securityLetterPage)

	// Anything else is a friendly 404 (the API's own prefix wins over this),
	// whatever the method: no form check stands in front of it.
	mux.Handle("/", middleware.Secure(middleware.Pages, middleware.Cookie(wb.svc.Authenticate,
		httpx.Handle(wb.log, wb.renderError, func(http.ResponseWriter, *http.Request) error { return fault.NewNotFound() }))))
}

// handle wraps a page handler in the doors' middleware: security headers,
// the viewer from the session cookie and the HTML error renderer. Routes
// add the form guard (body limits, CSRF) and the per-IP budgets.
func (wb *Web) handle(fn httpx.HandlerFunc) http.Handler {
	return middleware.Secure(middleware.Pages, middleware.Cookie(wb.svc.Authenticate,
		httpx.Handle(wb.log, wb.renderError, fn)))
}

// account returns the logged-in account or the 401 that sends the visitor
// to the login page.
func account(r *http.Request) (*service.Account, error) {
	if a := middleware.Account(r); a != nil {
		return a, nil
	}
	return nil, fault.NewUnauthorized()
}

// redirect answers a form post (PRG) or sends a visitor elsewhere.
func redirect(w http.ResponseWriter, r *http.Request, to string) error {
	http.Redirect(w, r, to, http.StatusSeeOther)
	return nil
}

// switchLang sets the language cookie and returns to a local page.
func (wb *Web) switchLang(w http.ResponseWriter, r *http.Request) error {
	to := r.URL.Query().Get("to")
	if to != "en" {
		to = "zh"
	}
	http.SetCookie(w, &http.Cookie{Name: langCookie, Value: to, Path: "/", MaxAge: 365 * 24 * 3600,
		SameSite: http.SameSiteLaxMode, Secure: httpx.OverTLS(r)})
	return redirect(w, r, localPath(r.URL.Query().Get("back"), "/"))
}
