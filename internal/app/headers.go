package app

import "net/http"

// secureHeaders gives every answer of the server a strict baseline of
// security headers, including those no door writes itself (/healthz, the
// mux's own 404/405 and redirects). The API, the web UI and the back office
// set their own policy on top; Header().Set replaces the baseline.
func secureHeaders(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hd := w.Header()
		hd.Set("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'")
		hd.Set("X-Content-Type-Options", "nosniff")
		hd.Set("X-Frame-Options", "DENY")
		hd.Set("Referrer-Policy", "no-referrer")
		hd.Set("Cross-Origin-Opener-Policy", "same-origin")
		h.ServeHTTP(w, r)
	})
}

// handler is what the HTTP server serves: every route, behind the baseline headers.
func (s *system) handler() http.Handler { return secureHeaders(s.mux) }
