package web

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"net/http"
	"net/url"
	"strings"
	"time"

	"beian/internal/fault"
	"beian/internal/httpx"
	"beian/internal/service"
)

// Cookie names.
const (
	sessionCookie = "beian_session" // the service's session token
	preCSRFCookie = "beian_csrf"    // double-submit token for logged-out forms
	flashCookie   = "beian_flash"   // one message for the next page (PRG)
	langCookie    = "lang"          // read by httpx.Lang
	csrfField     = "csrf"
)

// viewer is who is asking: the account behind the session cookie, if any.
type viewer struct {
	Account *service.Account
	Token   string
}

type viewerKey struct{}

// identify authenticates the session cookie once per request and keeps the
// result in the context, so handlers and the error page share it.
func (wb *Web) identify(r *http.Request) *http.Request {
	v := &viewer{}
	if c, err := r.Cookie(sessionCookie); err == nil && c.Value != "" {
		if a, err := wb.svc.Authenticate(r.Context(), c.Value); err == nil {
			v.Account, v.Token = a, c.Value
		}
	}
	return r.WithContext(context.WithValue(r.Context(), viewerKey{}, v))
}

func viewerOf(r *http.Request) *viewer {
	if v, ok := r.Context().Value(viewerKey{}).(*viewer); ok {
		return v
	}
	return &viewer{}
}

// sessionCSRF derives the form token of a logged-in session from the
// session token: it survives restarts and works across instances, and
// nobody can compute it without the HttpOnly cookie.
func sessionCSRF(token string) string {
	sum := sha256.Sum256([]byte("beian csrf v1:" + token))
	return hex.EncodeToString(sum[:])
}

// csrfToken returns the token the page's forms must carry, setting the
// double-submit cookie for a logged-out visitor that has none yet.
func (wb *Web) csrfToken(w http.ResponseWriter, r *http.Request) string {
	if v := viewerOf(r); v.Account != nil {
		return sessionCSRF(v.Token)
	}
	if c, err := r.Cookie(preCSRFCookie); err == nil && len(c.Value) == 64 {
		return c.Value
	}
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	tok := hex.EncodeToString(b)
	http.SetCookie(w, &http.Cookie{Name: preCSRFCookie, Value: tok, Path: "/", HttpOnly: true,
		SameSite: http.SameSiteLaxMode, Secure: httpx.OverTLS(r), MaxAge: 24 * 3600})
	// Later reads in this request see it too.
	r.AddCookie(&http.Cookie{Name: preCSRFCookie, Value: tok})
	return tok
}

// errCSRF is the refusal of a forged or stale form.
var errCSRF = fault.New(fault.Forbidden, "csrf_failed",
	catalog["csrf.failed"][0], catalog["csrf.failed"][1])

// checkCSRF verifies a posted form. A logged-in viewer's form carries the
// session-derived token; a logged-out form repeats its cookie.
func checkCSRF(r *http.Request) error {
	got := r.PostFormValue(csrfField)
	if got == "" && r.MultipartForm != nil {
		if vs := r.MultipartForm.Value[csrfField]; len(vs) > 0 {
			got = vs[0]
		}
	}
	var want string
	if v := viewerOf(r); v.Account != nil {
		want = sessionCSRF(v.Token)
	} else if c, err := r.Cookie(preCSRFCookie); err == nil {
		want = c.Value
	}
	if want == "" || got == "" || subtle.ConstantTimeCompare([]byte(got), []byte(want)) != 1 {
		return errCSRF
	}
	return nil
}

// setSession sets the session cookie for the session's remaining life.
// Max-Age, not Expires: the browser counts it from its own clock, so the
// cookie lives exactly as long as the session whatever the two clocks say.
func setSession(w http.ResponseWriter, r *http.Request, token string, life time.Duration) {
	c := &http.Cookie{Name: sessionCookie, Value: token, Path: "/", HttpOnly: true,
		SameSite: http.SameSiteLaxMode, Secure: httpx.OverTLS(r)}
	if secs := int(life / time.Second); secs > 0 {
		c.MaxAge = secs
	}
	http.SetCookie(w, c)
}

func clearCookie(w http.ResponseWriter, r *http.Request, name string) {
	http.SetCookie(w, &http.Cookie{Name: name, Value: "", Path: "/", MaxAge: -1, HttpOnly: true,
		SameSite: http.SameSiteLaxMode, Secure: httpx.OverTLS(r)})
}

// flash keeps one message for the next page: a catalog key and an
// optional argument, never free text from the request.
func setFlash(w http.ResponseWriter, r *http.Request, key string, arg ...string) {
	v := key
	if len(arg) > 0 {
		v += "|" + arg[0]
	}
	http.SetCookie(w, &http.Cookie{Name: flashCookie, Value: url.QueryEscape(v), Path: "/", HttpOnly: true,
		SameSite: http.SameSiteLaxMode, Secure: httpx.OverTLS(r), MaxAge: 60})
}

// flashKey is the catalog key of the flash the request carries, or "".
func flashKey(r *http.Request) string {
	c, err := r.Cookie(flashCookie)
	if err != nil {
		return ""
	}
	v, err := url.QueryUnescape(c.Value)
	if err != nil {
		return ""
	}
	key, _, _ := strings.Cut(v, "|")
	return key
}

func takeFlash(w http.ResponseWriter, r *http.Request, lang string) string {
	c, err := r.Cookie(flashCookie)
	if err != nil || c.Value == "" {
		return ""
	}
	clearCookie(w, r, flashCookie)
	v, err := url.QueryUnescape(c.Value)
	if err != nil {
		return ""
	}
	key, arg, hasArg := strings.Cut(v, "|")
	if _, ok := catalog[key]; !ok {
		return ""
	}
	if hasArg {
		if fn, ok := flows[arg]; ok { // the only argument we pass is a flow
			return tr(lang, key, pick(lang, fn, arg))
		}
		return tr(lang, key, arg)
	}
	return tr(lang, key)
}

// localPath accepts only a clean path on this site, so redirects cannot be
// turned into an open redirect: printable ASCII without spaces or
// backslashes (browsers drop a tab or a line break inside a URL, so
// "/\t/evil.example" would become "//evil.example"), not "//", no scheme
// or host.
func localPath(p, fallback string) string {
	if p == "" || p[0] != '/' || len(p) > 2048 || strings.HasPrefix(p, "//") {
		return fallback
	}
	for i := 0; i < len(p); i++ {
		if c := p[i]; c <= ' ' || c >= 0x7f || c == '\\' {
			return fallback
		}
	}
	if u, err := url.Parse(p); err != nil || u.Scheme != "" || u.Host != "" || u.User != nil {
		return fallback
	}
	return p
}
