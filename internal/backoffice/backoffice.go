// Package backoffice is the reviewers' and admins' HTML door into Beian:
// the review queue, the application view with field-level decisions,
// materials received, submission to the bureau; staff accounts, the
// outbox, the audit log and the bureau simulator's console. It shares the
// applicant UI's session cookie and CSRF scheme (package web) and its
// stylesheet; only staff may enter, anyone else gets 404.
package backoffice

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"beian/internal/fault"
	"beian/internal/httpx"
	"beian/internal/middleware"
	"beian/internal/monitor"
	"beian/internal/service"
	"beian/internal/webhooks"
	"beian/internal/words"
	"beian/internal/workdays"
)

//go:embed templates/*.html static/*
var files embed.FS

// Deps is what the back office needs.
type Deps struct {
	Service *service.Service
	Log     *slog.Logger
	Now     func() time.Time
	// Webhooks are the partner webhooks' endpoints and delivery log
	// (webhooks.go); nil hides the page.
	Webhooks *webhooks.Webhooks
	// Monitor is the compliance monitor's report (monitor.go); nil hides it.
	Monitor *monitor.Monitor
}

// Backoffice serves /review/… and /admin/….
type Backoffice struct {
	svc   *service.Service
	log   *slog.Logger
	now   func() time.Time
	pages map[string]*template.Template

	hooks   *webhooks.Webhooks
	monitor *monitor.Monitor
}

// New parses the templates, failing fast on a broken one.
func New(d Deps) (*Backoffice, error) {
	if d.Service == nil {
		return nil, errors.New("backoffice: no service")
	}
	if d.Log == nil {
		d.Log = slog.Default()
	}
	if d.Now == nil {
		d.Now = d.Service.Now
	}
	b := &Backoffice{svc: d.Service, log: d.Log, now: d.Now, pages: map[string]*template.Template{}, hooks: d.Webhooks, monitor: d.Monitor}
	names, err := fs.Glob(files, "templates/*.html")
	if err != nil {
		return nil, err
	}
	for _, n := range names {
		base := strings.TrimSuffix(strings.TrimPrefix(n, "templates/"), ".html")
		if base == "layout" {
			continue
		}
		t, err := template.New(base).Funcs(funcs).ParseFS(files, "templates/layout.html", n)
		if err != nil {
			return nil, fmt.Errorf("backoffice template %s: %w", n, err)
		}
		b.pages[base] = t
	}
	return b, nil
}

// Routes mounts the back office on mux.
func (b *Backoffice) Routes(mux *http.ServeMux) {
	h := func(pattern string, fn httpx.HandlerFunc) { mux.Handle(pattern, b.handle(fn)) }
	static, err := fs.Sub(files, "static")
	if err != nil {
		panic(err) // the embed directive guarantees the folder
	}
	mux.Handle("GET /review/static/", middleware.Secure(middleware.StaffPages, httpx.StaticFiles("/review/static/", static)))

	h("GET /review", b.queue)
	h("GET /review/{$}", b.queue)
	h("GET /review/insight", b.insight) // insight.go: the reviewer dashboard
	h("GET /review/insight.csv", b.insightCSV)
	h("GET /review/applications/{id}", b.application)
	h("POST /review/applications/{id}/decision", b.decision)
	h("POST /review/applications/{id}/materials-received", b.materialsReceived)
	h("POST /review/applications/{id}/submit-to-bureau", b.submitToBureau)
	h("POST /review/applications/{id}/supplements", b.requestSupplement)
	h("POST /review/applications/{id}/holder-confirmations", b.confirmHolder)
	// The site photo staff took at the office: an upload, within the attachment limit.
	mux.Handle("POST /review/applications/{id}/site-photo", b.guarded(middleware.Forms{MaxUpload: b.svc.AttachmentMaxBytes() + (1 << 20),
		TooLarge: b.svc.ErrAttachmentTooLarge}, b.sitePhoto))
	h("GET /review/applications/{id}/attachments/{aid}", b.attachment)

	h("GET /admin", b.adminHome)
	h("GET /admin/{$}", b.adminHome)
	h("GET /admin/staff", b.staff)
	h("POST /admin/staff", b.createStaff)
	h("POST /admin/staff/{id}/{action}", b.staffAction)
	h("GET /admin/reasons", b.reasons)
	h("POST /admin/reasons", b.saveReason)
	h("POST /admin/reasons/{code}/delete", b.deleteReason)
	h("GET /admin/outbox", b.outbox)
	h("GET /admin/audit", b.audit)
	h("GET /admin/audit.csv", b.auditCSV)
	h("GET /admin/bureau", b.bureau)
	h("POST /admin/bureau/applications/{id}/decision", b.bureauDecision)
	h("POST /admin/bureau/outcomes", b.bureauImport)
	// Anything else under the two prefixes is a 404 of the back office.
	b.webhookRoutes(h) // webhooks.go
	b.monitorRoutes(h) // monitor.go
	h("/review/", func(http.ResponseWriter, *http.Request) error { return fault.NewNotFound() })
	h("/admin/", func(http.ResponseWriter, *http.Request) error { return fault.NewNotFound() })
}

// handle is the back office's middleware: security headers (never
// cached), the viewer from the applicant pages' session cookie, staff only
// (404 for everyone else; the login page for a visitor without a session),
// the form guard on every POST (body limit, CSRF) and the error pages.
func (b *Backoffice) handle(fn httpx.HandlerFunc) http.Handler {
	return b.guarded(middleware.Forms{}, fn)
}

// guarded is handle with the form guard forms (an upload's limit).
func (b *Backoffice) guarded(forms middleware.Forms, fn httpx.HandlerFunc) http.Handler {
	staff := func(w http.ResponseWriter, r *http.Request) error {
		a := middleware.Account(r)
		if a == nil {
			if r.Method == http.MethodGet {
				http.Redirect(w, r, "/login?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
				return nil
			}
			return fault.NewUnauthorized()
		}
		if !a.IsStaff() {
			return fault.NewNotFound()
		}
		return forms.Check(fn)(w, r)
	}
	return middleware.Secure(middleware.StaffPages, middleware.Cookie(b.svc.Authenticate, httpx.Handle(b.log, b.renderError, staff)))
}

// page is what every template gets.
type page struct {
	Lang    string
	Title   string
	Nav     string
	Account *service.Account
	CSRF    string
	Path    string
	Flash   string
	Error   string
	Data    any
}

// T translates a catalog key.
func (p *page) T(key string, args ...any) string { return tr(p.Lang, key, args...) }

// Time shows a time in Beijing time.
func (p *page) Time(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return t.In(workdays.CST).Format("2006-01-02 15:04")
}

// IsAdmin reports whether the viewer administers.
func (p *page) IsAdmin() bool { return p.Account != nil && p.Account.Role == service.RoleAdmin }

func (b *Backoffice) newPage(r *http.Request, title, nav string, data any) *page {
	p := &page{Lang: httpx.PageLang(r), Nav: nav, Account: middleware.Account(r), Path: r.URL.Path, Data: data}
	p.Title = p.T(title)
	p.CSRF = middleware.SessionToken(r)
	if f := r.URL.Query().Get("done"); f != "" {
		if words.Has("done." + f) {
			p.Flash = p.T("done." + f)
		}
	}
	return p
}

func (b *Backoffice) render(w http.ResponseWriter, status int, name string, p *page) error {
	t, ok := b.pages[name]
	if !ok {
		return fmt.Errorf("backoffice: no page %q", name)
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", p); err != nil {
		return fmt.Errorf("render %s: %w", name, err)
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_, err := buf.WriteTo(w)
	return err
}

// renderError shows an error page in the viewer's language.
func (b *Backoffice) renderError(w http.ResponseWriter, r *http.Request, e *fault.Error) {
	p := b.newPage(r, "error.title", "", nil)
	if e.Kind == fault.Unauthorized {
		http.Redirect(w, r, "/login?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
		return
	}
	if e.Kind == fault.NotFound {
		// A non-staff visitor learns nothing about the back office.
		p.Account = nil
		p.CSRF = ""
	}
	p.Error = e.Message.In(p.Lang)
	for _, v := range e.Violations {
		p.Error += p.T("staff.semicolon") + v.Message.In(p.Lang)
	}
	if err := b.render(w, httpx.Status(e), "error", p); err != nil {
		b.log.Error("render error page", "err", err)
		http.Error(w, e.Message.In(p.Lang), httpx.Status(e))
	}
}

// done redirects after a successful form (PRG) with a flash key.
func done(w http.ResponseWriter, r *http.Request, to, key string) error {
	http.Redirect(w, r, to+"?done="+key, http.StatusSeeOther)
	return nil
}
