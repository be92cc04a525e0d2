package web

import (
	"net/http"
	"net/url"
	"strings"

	"beian/internal/httpx"
	"beian/internal/middleware"
)

// Cookie names of this door; the session and CSRF cookies are the
// middleware's (shared with the back office).
const (
	flashCookie = "beian_flash" // one message for the next page (PRG)
	langCookie  = "lang"        // read by httpx.Lang
)

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
	middleware.ClearCookie(w, r, flashCookie)
	v, err := url.QueryUnescape(c.Value)
	if err != nil {
		return ""
	}
	key, arg, hasArg := strings.Cut(v, "|")
	if !known(key) {
		return ""
	}
	if hasArg {
		if known("flow." + arg) { // the only argument we pass is a flow
			return tr(lang, key, flowName(lang, arg))
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
