package app

import (
	"net"
	"net/http"

	"beian/internal/httpx"
	"beian/internal/middleware"
	"beian/internal/storage"
)

// Handler is what the HTTP server serves: every route behind the baseline
// security headers (for the answers no door writes itself: /healthz, the
// mux's own 404/405 and redirects; each door sets its own policy over
// it), with the client's address recorded for the audit log.
func (s *System) Handler() http.Handler {
	return middleware.Secure(middleware.Baseline, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.instrumented.ServeHTTP(w, r.WithContext(storage.WithClientIP(r.Context(), auditIP(r))))
	}))
}

// auditIP is where a request came from, for the audit log: the peer, or
// behind a reverse proxy on this host the hop it appended to
// X-Forwarded-For (the same trust rule as the rate limits').
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
