package app

import (
	"html"
	"net/http"
	"strconv"
	"strings"
	"time"

	"beian/internal/httpx"
	"beian/internal/ratelimit"
)

// webLimits puts the API's per-IP budgets in front of the HTML forms that
// reach the same services without them: registration, password reset and
// the public lookup. (Login and pre-check are limited inside the service,
// per account and per IP, for both doors.) Without this a script could
// sidestep the API's 429s by posting the web forms instead.
type webLimits struct {
	now    func() time.Time
	limits map[string]*ratelimit.Limiter // by budget name
	routes map[string]string             // "METHOD /path" → budget name
}

func newWebLimits(on bool, now func() time.Time) *webLimits {
	mk := func(perMinute float64, burst int) *ratelimit.Limiter {
		if !on {
			return ratelimit.Disabled()
		}
		return ratelimit.New(perMinute, burst)
	}
	// The same budgets as the API's (internal/api ipLimits).
	return &webLimits{now: now,
		limits: map[string]*ratelimit.Limiter{"register": mk(10, 10), "reset": mk(10, 10), "public": mk(120, 60)},
		routes: map[string]string{
			"POST /register":        "register",
			"POST /password/forgot": "reset",
			"POST /password/reset":  "reset",
			"GET /lookup":           "public",
		}}
}

func (l *webLimits) wrap(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name, ok := l.routes[r.Method+" "+strings.TrimSuffix(r.URL.Path, "/")]
		if ok && !(name == "public" && r.URL.Query().Get("q") == "") { // the empty lookup form is free
			if ip := httpx.LimitedIP(r); ip != "" {
				if allowed, wait := l.limits[name].Allow(ip, l.now()); !allowed {
					tooMany(w, max(1, wait))
					return
				}
			}
		}
		h.ServeHTTP(w, r)
	})
}

// tooMany is a small bilingual 429 page.
func tooMany(w http.ResponseWriter, wait int) {
	w.Header().Set("Retry-After", strconv.Itoa(wait))
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusTooManyRequests)
	msg := html.EscapeString("请求过于频繁，请 " + strconv.Itoa(wait) + " 秒后再试。Too many requests; try again in " + strconv.Itoa(wait) + " s.")
	_, _ = w.Write([]byte(`<!doctype html><html lang="zh"><meta charset="utf-8"><title>429</title><p>` + msg + `</p></html>`))
}
