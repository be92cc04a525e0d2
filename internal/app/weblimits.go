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

// webLimits puts the per-IP budgets in front of the HTML forms that reach
// the same services as the API's limited endpoints: registration, password
// reset, the pre-check and the public lookup. (Login is limited inside the
// service, per account and per IP, for both doors.) The limiters are the
// API's own (one ratelimit.Set), so a script can neither sidestep the
// API's 429s by posting the web forms nor double its budget.
type webLimits struct {
	now    func() time.Time
	limits *ratelimit.Set
	routes map[string]string // "METHOD /path" → budget name
}

func newWebLimits(limits *ratelimit.Set, now func() time.Time) *webLimits {
	return &webLimits{now: now, limits: limits,
		routes: map[string]string{
			"POST /register":        "register",
			"POST /password/forgot": "reset",
			"POST /password/reset":  "reset",
			"POST /apply":           "precheck",
			"GET /lookup":           "public",
		}}
}

func (l *webLimits) wrap(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name, ok := l.routes[r.Method+" "+strings.TrimSuffix(r.URL.Path, "/")]
		if ok && !(name == "public" && r.URL.Query().Get("q") == "") { // the empty lookup form is free
			if ip := httpx.LimitedIP(r); ip != "" {
				if allowed, wait := l.limits.Get(name).Allow(ip, l.now()); !allowed {
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
