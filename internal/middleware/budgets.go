package middleware

import (
	"net/http"
	"strconv"
	"time"

	"beian/internal/fault"
	"beian/internal/httpx"
	"beian/internal/ratelimit"
)

// budget is one per-IP limit: generous for people (a whole office behind
// one address), tight for scripts.
type budget struct {
	perMinute float64
	burst     int
}

// budgets are the per-IP limits of the endpoints anyone can reach without
// an account, and of the pre-check. The API and the HTML forms draw on the
// same budget, so a script cannot sidestep one door's 429s through the
// other. (Logins and pre-checks are also limited per account inside the
// service, for every door.)
var budgets = map[string]budget{
	"validate": {120, 60},
	"register": {10, 10},
	"reset":    {10, 10},
	"precheck": {120, 60},
	"public":   {120, 60}, // the public filing lookup
}

// Budgets holds the per-IP limiters, one per budget, shared by every door.
type Budgets struct {
	now    func() time.Time
	limits map[string]*ratelimit.Limiter
}

// NewBudgets builds the limiters; off (BEIAN_RATE_LIMITS=off, single-client
// load benchmarks only) lets everything through.
func NewBudgets(on bool, now func() time.Time) *Budgets {
	b := &Budgets{now: now, limits: map[string]*ratelimit.Limiter{}}
	for name, l := range budgets {
		if on {
			b.limits[name] = ratelimit.New(l.perMinute, l.burst)
		} else {
			b.limits[name] = ratelimit.Disabled()
		}
	}
	return b
}

// Check spends one request of the named budget for the request's client
// address; over the budget it answers RateLimited with the wait. A local
// tool (no client address, httpx.LimitedIP) has no per-IP budget.
func (b *Budgets) Check(r *http.Request, name string) error {
	l, ok := b.limits[name]
	if !ok {
		panic("middleware: no budget " + name) // a typo in a route table, found at the first request of a test
	}
	ip := httpx.LimitedIP(r)
	if ip == "" {
		return nil
	}
	if allowed, wait := l.Allow(ip, b.now()); !allowed {
		wait = max(1, wait)
		s := strconv.Itoa(wait)
		return fault.New(fault.RateLimited, fault.CodeRateLimited,
			"请求过于频繁，请 "+s+" 秒后再试。", "Too many requests; try again in "+s+" s.").Retry(wait)
	}
	return nil
}

// Limit wraps h with the named budget.
func (b *Budgets) Limit(name string, h httpx.HandlerFunc) httpx.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		if err := b.Check(r, name); err != nil {
			return err
		}
		return h(w, r)
	}
}
