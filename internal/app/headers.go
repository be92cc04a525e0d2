package app

import (
	"net"
	"net/http"

	"beian/internal/httpx"
	"beian/internal/storage"
)

// secureHeaders gives every answer of the server a strict baseline of
// security headers, including those no door writes itself (/healthz, the
// mux's own 404/405 and redirects). The API, the web UI and the back office
// set their own policy on top; Header().Set replaces the baseline. It also
// records the client's address for the audit log.
func secureHeaders(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hd := w.Header()
		hd.Set("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'")
		hd.Set("X-Content-Type-Options", "nosniff")
		hd.Set("X-Frame-Options", "DENY")
		hd.Set("Referrer-Policy", "no-referrer")
		hd.Set("Cross-Origin-Opener-Policy", "same-origin")
		if httpx.OverTLS(r) {
			hd.Set("Strict-Transport-Security", "max-age=31536000")
		}
		h.ServeHTTP(w, r.WithContext(storage.WithClientIP(r.Context(), auditIP(r))))
	})
}

// auditIP is where a request came from, for the audit log: the peer, or
// behind a reverse proxy on this host the hop it appended to
// X-Forwarded-For (the same trust rule as the rate limits' clientIP).
func auditIP(r *http.Request) string {
	if ip := httpx.LimitedIP(r); ip != "" {
		return ip
	}
	// A local tool on this host: it has no per-IP budget but is still somewhere.
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// handler is what the HTTP server serves: every route, behind the web
// forms' per-IP limits (weblimits.go) and the baseline headers.
func (s *system) handler() http.Handler { return secureHeaders(s.webLimits.wrap(s.mux)) }
