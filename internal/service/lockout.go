package service

import (
	"math"
	"sync"
	"time"
)

// Account lockout: after maxLoginFailures failed logins within the window,
// further tries for that account are refused (429) until the oldest
// failure leaves the window. Other accounts are unaffected. The state is in
// memory per instance; a restart forgets it, which only shortens a lock.
const (
	maxLoginFailures   = 5
	loginFailureWindow = 15 * time.Minute
	maxLockoutKeys     = 100_000
)

type lockout struct {
	max    int // 0 disables the lock
	window time.Duration

	mu   sync.Mutex
	fail map[string][]time.Time
}

func newLockout(max int, window time.Duration) *lockout {
	return &lockout{max: max, window: window, fail: map[string][]time.Time{}}
}

// check returns 0 when key may try now, else the seconds to wait.
func (l *lockout) check(key string, now time.Time) int {
	if l.max == 0 {
		return 0
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	fs := l.prune(key, now)
	if len(fs) < l.max {
		return 0
	}
	wait := fs[len(fs)-l.max].Add(l.window).Sub(now)
	return max(1, int(math.Ceil(wait.Seconds())))
}

// failed records a failure.
func (l *lockout) failed(key string, now time.Time) {
	if l.max == 0 {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.fail) >= maxLockoutKeys {
		for k := range l.fail { // drop stale keys; map order is as good as any
			if len(l.prune(k, now)) == 0 {
				delete(l.fail, k)
			}
		}
		if len(l.fail) >= maxLockoutKeys {
			l.fail = map[string][]time.Time{}
		}
	}
	fs := append(l.prune(key, now), now)
	if len(fs) > l.max {
		fs = fs[len(fs)-l.max:]
	}
	l.fail[key] = fs
}

// reset forgets key's failures (after a successful login).
func (l *lockout) reset(key string) {
	l.mu.Lock()
	delete(l.fail, key)
	l.mu.Unlock()
}

func (l *lockout) prune(key string, now time.Time) []time.Time {
	fs := l.fail[key]
	i := 0
	for i < len(fs) && now.Sub(fs[i]) >= l.window {
		i++
	}
	fs = fs[i:]
	if len(fs) == 0 {
		delete(l.fail, key)
	} else {
		l.fail[key] = fs
	}
	return fs
}
