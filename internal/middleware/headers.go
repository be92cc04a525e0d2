// Package middleware is what stands in front of every door — the JSON API,
// the applicant's pages and the back office: security headers, the session
// (cookie or bearer token), CSRF protection of the HTML forms and the
// per-IP rate-limit budgets. Each is written once here; the doors compose
// them in their own handle functions.
package middleware

import (
	"net/http"

	"beian/internal/httpx"
)

// Policy is a door's security headers. Every policy also sends nosniff,
// DENY framing and (over HTTPS) HSTS.
type Policy struct {
	CSP          string
	Referrer     string
	CacheControl string // "" leaves caching to the handler
	Permissions  string // Permissions-Policy, for pages
	CORP         string // Cross-Origin-Resource-Policy
}

// The policies of Beian's answers.
var (
	// Baseline is every answer no door writes itself (/healthz, the mux's
	// own 404/405): nothing may load, nothing may frame it.
	Baseline = Policy{CSP: "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
		Referrer: "no-referrer"}
	// Pages are the HTML doors: their own scripts, styles and images only.
	Pages = Policy{CSP: "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
		"connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'",
		Referrer: "same-origin", Permissions: "camera=(), microphone=(), geolocation=(), payment=(), usb=()"}
	// StaffPages are the back office: the pages' policy, never cached.
	StaffPages = func() Policy { p := Pages; p.CacheControl = "no-store"; return p }()
	// API is the JSON door: data only, never cached, never embedded.
	API = Policy{CSP: "default-src 'none'; frame-ancestors 'none'", Referrer: "no-referrer", CacheControl: "no-store",
		CORP: "same-origin"}
)

// Secure sets p's headers on every answer of h. Set, not Add: an inner
// policy replaces an outer one (the baseline around the whole server).
func Secure(p Policy, h http.Handler) http.Handler {
	// The values are built once: each answer gets the same one-entry
	// slices (capacity 1, so an Add elsewhere copies rather than shares),
	// under their canonical names, without Set's canonicalizing.
	one := func(v string) []string { return []string{v}[:1:1] }
	type header struct {
		name  string
		value []string
	}
	hs := []header{
		{"Content-Security-Policy", one(p.CSP)},
		{"X-Content-Type-Options", one("nosniff")},
		{"X-Frame-Options", one("DENY")},
		{"Referrer-Policy", one(p.Referrer)},
		{"Cross-Origin-Opener-Policy", one("same-origin")},
	}
	for _, o := range []struct{ name, value string }{
		{"Permissions-Policy", p.Permissions}, {"Cross-Origin-Resource-Policy", p.CORP}, {"Cache-Control", p.CacheControl},
	} {
		if o.value != "" {
			hs = append(hs, header{o.name, one(o.value)})
		}
	}
	hsts := one("max-age=31536000")
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hd := w.Header()
		for _, x := range hs {
			hd[x.name] = x.value
		}
		if httpx.OverTLS(r) {
			hd["Strict-Transport-Security"] = hsts
		}
		h.ServeHTTP(w, r)
	})
}
