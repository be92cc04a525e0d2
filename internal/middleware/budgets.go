package middleware

import (
	"net/http"
	"strconv"
	"time"

	"beian/internal/fault"
	"beian/internal/httpx"
	"beian/internal/ratelimit"
)

// Budgets spends the per-IP budgets of ratelimit.IPBudgets — the
// endpoints anyone can reach without an account, and the pre-check — with
// one set of limiters that every door shares, so a script can neither
// sidestep one door's 429s through the other nor double its budget.
// (Logins and pre-checks are also limited per account inside the service.)
type Budgets struct {
	now    func() time.Time
	limits *ratelimit.Set
}

// NewBudgets builds the limiters; off (BEIAN_RATE_LIMITS=off, single-client
// load benchmarks only) lets everything through.
func NewBudgets(on bool, now func() time.Time) *Budgets {
	return &Budgets{now: now, limits: ratelimit.NewSet(!on)}
}

// Check spends one request of the named budget for the request's client
// address; over the budget it answers RateLimited with the wait. A local
// tool (no client address, httpx.LimitedIP) has no per-IP budget.
func (b *Budgets) Check(r *http.Request, name string) error {
	l := b.limits.Get(name) // an unknown name panics: a typo in a route table
	ip := httpx.LimitedIP(r)
	if ip == "" {
		return nil
	}
	if allowed, wait := l.Allow(ip, b.now()); !allowed {
		wait = max(1, wait)
		s := strconv.Itoa(wait)
		return fault.Words(fault.RateLimited, fault.CodeRateLimited, "error.rate_limited.wait", s).Retry(wait)
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
