// Package ratelimit keeps per-key token buckets (per client IP, per account)
// in memory. Memory stays bounded: idle buckets are swept, and past MaxKeys
// the oldest half is dropped. Each instance limits on its own; with N
// instances a client gets at most N times the budget, which is fine for
// abuse limits.
package ratelimit

import (
	"math"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// Limiter limits events per key.
type Limiter struct {
	every   rate.Limit
	burst   int
	maxKeys int
	off     bool

	mu      sync.Mutex
	buckets map[string]*bucket
	lastGC  time.Time
}

type bucket struct {
	lim  *rate.Limiter
	seen time.Time
}

// New allows burst events at once and then perMinute events a minute per key.
func New(perMinute float64, burst int) *Limiter {
	return &Limiter{every: rate.Limit(perMinute / 60), burst: burst, maxKeys: 100_000, buckets: map[string]*bucket{}}
}

// Disabled returns a limiter that allows everything (benchmarks, tests).
func Disabled() *Limiter { return &Limiter{off: true} }

// Allow reports whether one more event for key is allowed now, and if not,
// how many whole seconds to wait (for Retry-After).
func (l *Limiter) Allow(key string, now time.Time) (bool, int) {
	if l == nil || l.off {
		return true, 0
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	b := l.buckets[key]
	if b == nil {
		if len(l.buckets) >= l.maxKeys {
			l.evict(now)
		}
		b = &bucket{lim: rate.NewLimiter(l.every, l.burst)}
		l.buckets[key] = b
	}
	b.seen = now
	if now.Sub(l.lastGC) > time.Minute {
		l.sweep(now)
	}
	r := b.lim.ReserveN(now, 1)
	if !r.OK() {
		return false, 60
	}
	if d := r.DelayFrom(now); d > 0 {
		r.CancelAt(now)
		return false, max(1, int(math.Ceil(d.Seconds())))
	}
	return true, 0
}

// Reset forgets key's history (e.g. after a successful login).
func (l *Limiter) Reset(key string) {
	if l == nil || l.off {
		return
	}
	l.mu.Lock()
	delete(l.buckets, key)
	l.mu.Unlock()
}

// sweep drops buckets idle long enough to be full again.
func (l *Limiter) sweep(now time.Time) {
	l.lastGC = now
	full := time.Duration(float64(l.burst)/float64(l.every)*float64(time.Second)) + time.Minute
	for k, b := range l.buckets {
		if now.Sub(b.seen) > full {
			delete(l.buckets, k)
		}
	}
}

// evict drops the least recently seen half when the key table is full.
func (l *Limiter) evict(now time.Time) {
	l.sweep(now)
	if len(l.buckets) < l.maxKeys {
		return
	}
	var cutoff time.Time
	ages := make([]time.Time, 0, len(l.buckets))
	for _, b := range l.buckets {
		ages = append(ages, b.seen)
	}
	// A rough median is enough here.
	cutoff = ages[len(ages)/2]
	for k, b := range l.buckets {
		if !b.seen.After(cutoff) {
			delete(l.buckets, k)
		}
	}
}
