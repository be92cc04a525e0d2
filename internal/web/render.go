package web

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"strings"
	"time"

	"beian/internal/fault"
	"beian/internal/httpx"
	"beian/internal/middleware"
	"beian/internal/service"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// cst is China Standard Time, the zone every date on the pages is shown in.
var cst = time.FixedZone("CST", 8*3600)

// pages holds one parsed template set per page: the layout, the shared
// partials and the page's own "content".
type pages struct {
	byName map[string]*template.Template
}

var templateFuncs = template.FuncMap{
	"add": func(a, b int) int { return a + b },
	"seq": func(n int) []int {
		out := make([]int, n)
		for i := range out {
			out[i] = i
		}
		return out
	},
	"dict": func(kv ...any) (map[string]any, error) {
		if len(kv)%2 != 0 {
			return nil, fmt.Errorf("dict: odd arguments")
		}
		m := make(map[string]any, len(kv)/2)
		for i := 0; i < len(kv); i += 2 {
			k, ok := kv[i].(string)
			if !ok {
				return nil, fmt.Errorf("dict: key %v is not a string", kv[i])
			}
			m[k] = kv[i+1]
		}
		return m, nil
	},
	"kb": func(n int64) string {
		if n >= 1<<20 {
			return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
		}
		return fmt.Sprintf("%d KB", (n+1023)/1024)
	},
	"query": url.QueryEscape,
}

// parsePages parses every page once; a broken template stops start-up.
func parsePages() (*pages, error) {
	names, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		return nil, err
	}
	p := &pages{byName: map[string]*template.Template{}}
	for _, n := range names {
		base := strings.TrimSuffix(strings.TrimPrefix(n, "templates/"), ".html")
		if base == "layout" || base == "partials" {
			continue
		}
		t, err := template.New(base).Funcs(templateFuncs).ParseFS(templateFS, "templates/layout.html", "templates/partials.html", n)
		if err != nil {
			return nil, fmt.Errorf("web: template %s: %w", base, err)
		}
		if t.Lookup("content") == nil {
			return nil, fmt.Errorf("web: template %s defines no content", base)
		}
		p.byName[base] = t
	}
	return p, nil
}

// Base is what every page shows: the top bar, the language, the flash and
// the CSRF token its forms carry.
type Base struct {
	Title   string
	Lang    string
	Account *service.Account
	CSRF    string
	Flash   string
	Path    string // the current page, for the language switch
	Nav     string // the active top-bar item
	Wide    bool   // pages with a side step indicator use the full width
	// FocusError asks the page's script to move the focus to the first
	// field in error: after a save that left errors, or a refused form.
	FocusError bool
}

func (b *Base) base() *Base { return b }

// T translates a catalog key.
func (b *Base) T(key string, args ...any) string { return tr(b.Lang, key, args...) }

// State is a workflow state's name.
func (b *Base) State(s string) string { return stateName(b.Lang, s) }

// Flow is a flow's name.
func (b *Base) Flow(f string) string { return flowName(b.Lang, f) }

// Date shows a time's date in China Standard Time.
func (b *Base) Date(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return t.In(cst).Format("2006-01-02")
}

// DateTime shows a time to the minute in China Standard Time.
func (b *Base) DateTime(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return t.In(cst).Format("2006-01-02 15:04")
}

// LangURL is the link that switches to the other language and back here.
func (b *Base) LangURL() string {
	to := "en"
	if b.Lang == "en" {
		to = "zh"
	}
	return "/lang?to=" + to + "&back=" + url.QueryEscape(b.Path)
}

// HTMLLang is the lang attribute of the page.
func (b *Base) HTMLLang() string {
	if b.Lang == "en" {
		return "en"
	}
	return "zh-CN"
}

type page interface{ base() *Base }

// render fills the base page and writes the named page. It renders into a
// buffer first so a template failure becomes a clean 500.
func (wb *Web) render(w http.ResponseWriter, r *http.Request, status int, name string, p page) error {
	t, ok := wb.pages.byName[name]
	if !ok {
		return fmt.Errorf("web: no page %q", name)
	}
	b := p.base()
	b.Lang = httpx.PageLang(r)
	b.Account = middleware.Account(r)
	b.CSRF = middleware.Token(w, r)
	if b.Flash == "" {
		b.FocusError = b.FocusError || flashKey(r) == "step.saved.fix"
		b.Flash = takeFlash(w, r, b.Lang)
	}
	b.FocusError = b.FocusError || status == http.StatusUnprocessableEntity
	b.Path = r.URL.RequestURI()
	if b.Title == "" {
		b.Title = b.T("product")
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", p); err != nil {
		return fmt.Errorf("web: render %s: %w", name, err)
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, err := w.Write(buf.Bytes())
	return err
}

// errorPage is the friendly page of any failure.
type errorPage struct {
	Base
	Status     int
	Code       string
	Message    string
	Violations []string
}

// renderError is the UI's error renderer: a visitor who must log in goes
// to the login page; everyone else gets a page in their language.
func (wb *Web) renderError(w http.ResponseWriter, r *http.Request, e *fault.Error) {
	lang := httpx.PageLang(r)
	if e.Kind == fault.Unauthorized {
		// Back to this page after logging in; for a form post, the page
		// the form was on.
		next := r.URL.RequestURI()
		if r.Method != http.MethodGet {
			next = "/"
			if ref, err := url.Parse(r.Referer()); err == nil && ref.Host == r.Host {
				next = localPath(ref.RequestURI(), "/")
			}
		}
		middleware.ClearCookie(w, r, middleware.SessionCookie)
		setFlash(w, r, "auth.required")
		redirect(w, r, "/login?next="+url.QueryEscape(next))
		return
	}
	p := &errorPage{Status: httpx.Status(e), Code: e.Code, Message: e.Message.In(lang)}
	switch {
	case e.Code == middleware.ErrCSRF.Code, e.Kind == fault.RateLimited:
		// Whoever hit it (a stale form, a script) may not read the page's
		// language: say it in both.
		p.Message = e.Message.ZH + " / " + e.Message.EN
	case e.Kind == fault.NotFound:
		p.Message = tr(lang, "error.notfound")
	case e.Kind == fault.Unauthorized:
		p.Message = tr(lang, "auth.required")
	}
	for _, v := range e.Violations {
		p.Violations = append(p.Violations, v.Message.In(lang))
	}
	p.Title = tr(lang, "error.title")
	if e.RetryAfter > 0 {
		w.Header().Set("Retry-After", fmt.Sprint(e.RetryAfter))
	}
	if err := wb.render(w, r, httpx.Status(e), "error", p); err != nil {
		wb.log.ErrorContext(r.Context(), "error page failed", "err", err)
		http.Error(w, p.Message, httpx.Status(e))
	}
}

// static serves the embedded CSS, JavaScript and images.
func (wb *Web) static() http.Handler {
	sub, err := fs.Sub(staticFS, "static")
	if err != nil {
		panic(err) // the embed directive guarantees the folder
	}
	return httpx.StaticFiles("/static/", sub)
}

// divisions answers the cities of a province or the counties of a city,
// for the address selects (static/app.js).
func (wb *Web) divisions(w http.ResponseWriter, r *http.Request) error {
	code := r.PathValue("code")
	if _, ok := wb.ref.Division(code); !ok {
		return fault.NewNotFound()
	}
	type item struct {
		Code string `json:"code"`
		Name string `json:"name"`
	}
	out := []item{}
	for _, d := range wb.ref.Children(code) {
		if len(d.Code) == 6 {
			out = append(out, item{d.Code, d.Name})
		}
	}
	w.Header().Set("Cache-Control", "public, max-age=86400")
	return httpx.WriteJSON(w, http.StatusOK, out)
}
