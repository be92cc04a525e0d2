// Package web is the applicant's door into Beian: server-rendered HTML
// pages over the same services the JSON API uses. Templates and static
// files are embedded and parsed once at start-up; handlers return errors
// and one renderer turns them into friendly pages.
package web

import (
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"beian/internal/config"
	"beian/internal/fault"
	"beian/internal/httpx"
	"beian/internal/refdata"
	"beian/internal/service"
)

// Deps is what the UI needs.
type Deps struct {
	Service *service.Service
	Config  config.Config
	Log     *slog.Logger
	Now     func() time.Time
}

// Web serves the HTML UI.
type Web struct {
	svc   *service.Service
	cfg   config.Config
	log   *slog.Logger
	now   func() time.Time
	ref   *refdata.Data
	pages *pages
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
	return &Web{svc: d.Service, cfg: d.Config, log: d.Log, now: d.Now, ref: refdata.Default(), pages: p}, nil
}

// Routes mounts every page. The JSON API owns /api/v1/; everything else is here.
func (wb *Web) Routes(mux *http.ServeMux) {
	h := func(pattern string, fn httpx.HandlerFunc) { mux.Handle(pattern, wb.handle(fn)) }

	mux.Handle("GET /static/", wb.secure(wb.static()))
	h("GET /refdata/divisions/{code}", wb.divisions)
	h("GET /lang", wb.switchLang)

	h("GET /login", wb.loginPage)
	h("POST /login", wb.loginPost)
	h("GET /register", wb.registerPage)
	h("POST /register", wb.registerPost)
	h("GET /password/forgot", wb.forgotPage)
	h("POST /password/forgot", wb.forgotPost)
	h("GET /password/reset", wb.resetPage)
	h("POST /password/reset", wb.resetPost)
	h("POST /logout", wb.logout)

	h("GET /{$}", wb.home)
	h("POST /records/start", wb.startFromRecord)
	h("GET /filings", wb.filingsPage)        // filings.go: 我的备案
	h("GET /records/cancel", wb.cancelStart) // choose the type, give the reason
	h("POST /records/cancel", wb.cancelPost)
	h("GET /lookup", wb.lookup) // the public lookup, no account needed
	h("GET /apply", wb.precheckPage)
	h("POST /apply", wb.precheckPost)
	h("GET /applications/{id}", wb.progress)
	h("POST /applications/{id}/withdraw", wb.withdraw)
	h("POST /applications/{id}/verification", wb.verificationPost)
	h("POST /applications/{id}/sms", wb.smsPost)
	for _, s := range formSteps {
		h("GET /applications/{id}/"+s, wb.stepPage)
		h("POST /applications/{id}/"+s, wb.stepPost)
	}
	h("GET /applications/{id}/uploads", wb.uploadsPage)
	h("POST /applications/{id}/attachments", wb.uploadPost)
	h("GET /applications/{id}/attachments/{aid}", wb.attachmentFile)
	h("POST /applications/{id}/attachments/{aid}/delete", wb.attachmentDelete)
	h("GET /applications/{id}/submit", wb.submitPage)
	h("POST /applications/{id}/submit", wb.submitPost)
	h("GET /applications/{id}/verification-form/{n}", wb.legacyVerificationForm)
	h("GET /applications/{id}/forms/verification/{website}", wb.verificationFormPage) // forms.go: printable A4 forms
	h("GET /applications/{id}/forms/security-letter", wb.securityLetterPage)

	// Anything else is a friendly 404 (the API's own prefix wins over this),
	// whatever the method: no form check stands in front of it.
	mux.Handle("/", wb.secure(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		wb.renderError(w, wb.identify(r), fault.NewNotFound())
	})))
}

// handle wraps a page handler: security headers, the viewer, CSRF on
// every POST, and the HTML error renderer.
func (wb *Web) handle(fn httpx.HandlerFunc) http.Handler {
	inner := httpx.Handle(wb.log, wb.renderError, func(w http.ResponseWriter, r *http.Request) error {
		if r.Method == http.MethodPost {
			// A session that ended while the form was open: log in again
			// rather than a CSRF refusal.
			if c, err := r.Cookie(sessionCookie); err == nil && c.Value != "" && viewerOf(r).Account == nil {
				return fault.NewUnauthorized()
			}
			if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
				// Uploads: one attachment (or an ID card's two sides) plus the form fields.
				// 1 MiB in memory, the rest spooled to a temporary file: a
				// burst of 10 MB uploads costs disk, not heap. Only the upload
				// form takes files; any other form is small.
				limit := int64(1 << 20)
				if strings.HasSuffix(r.Pattern, "/attachments") {
					limit = 2*wb.cfg.Provider.AttachmentMaxBytes + (1 << 20)
				}
				// net/http removes the spooled files of the request it
				// handed out, not of this copy (identify's WithContext):
				// remove them here, on every path.
				defer func() {
					if r.MultipartForm != nil {
						r.MultipartForm.RemoveAll()
					}
				}()
				if tooLarge, err := httpx.ParseMultipart(w, r, limit); err != nil {
					if tooLarge {
						return fault.New(fault.TooLarge, "attachment.too_large",
							catalog["error.toolarge"][0], catalog["error.toolarge"][1])
					}
					return fault.New(fault.BadRequest, fault.CodeBadRequest, "表单无效", "malformed form")
				}
			} else {
				r.Body = http.MaxBytesReader(w, r.Body, 1<<20)
				if err := r.ParseForm(); err != nil {
					if mbe := (*http.MaxBytesError)(nil); errors.As(err, &mbe) {
						return httpx.TooLarge()
					}
					return fault.New(fault.BadRequest, fault.CodeBadRequest, "表单无效", "malformed form")
				}
			}
			if err := checkCSRF(r); err != nil {
				return err
			}
		}
		return fn(w, r)
	})
	return wb.secure(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		inner.ServeHTTP(w, wb.identify(r))
	}))
}

// secure sets the security headers every answer carries.
func (wb *Web) secure(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hd := w.Header()
		hd.Set("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "+
			"connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'")
		hd.Set("X-Content-Type-Options", "nosniff")
		hd.Set("Referrer-Policy", "same-origin")
		hd.Set("X-Frame-Options", "DENY")
		hd.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=(), usb=()")
		hd.Set("Cross-Origin-Opener-Policy", "same-origin")
		h.ServeHTTP(w, r)
	})
}

// account returns the logged-in account or the 401 that sends the visitor
// to the login page.
func account(r *http.Request) (*service.Account, error) {
	if v := viewerOf(r); v.Account != nil {
		return v.Account, nil
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
