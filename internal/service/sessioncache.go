package service

import (
	"sync"
	"time"
)

// Session lookups happen on every authenticated request; a short-lived
// in-memory cache in front of the database spares the query (and the
// unsealing of the account's phone) for a client sending many requests.
//
// This instance drops an entry the moment it ends a session itself
// (logout, password reset, an admin's revocation). Another instance on the
// same database learns of an ended session only from the database, so it
// may still accept a token it has used in the last sessionCacheTTL: a
// revocation takes effect everywhere within that time (docs/benchmarks.md).
const (
	sessionCacheTTL  = 2 * time.Second
	sessionCacheSize = 10000
)

type sessionEntry struct {
	acc     Account
	until   time.Time // wall clock with monotonic reading: when the entry goes stale
	expires time.Time // the session's own end, on the service's clock
}

// sessionCache maps a token's SHA-256 to its account.
type sessionCache struct {
	mu  sync.Mutex
	gen uint64 // bumped by every invalidation, so a lookup racing a logout does not store a stale entry
	m   map[string]sessionEntry
	ttl time.Duration
	max int
}

func newSessionCache(ttl time.Duration, max int) *sessionCache {
	return &sessionCache{m: make(map[string]sessionEntry), ttl: ttl, max: max}
}

// get returns a copy of the cached account of hash while both the entry
// and the session (at now, the service's clock) are live.
func (c *sessionCache) get(hash string, now time.Time) (*Account, bool) {
	if c.ttl <= 0 {
		return nil, false
	}
	c.mu.Lock()
	e, ok := c.m[hash]
	c.mu.Unlock()
	if !ok || time.Now().After(e.until) || !e.expires.After(now) {
		return nil, false
	}
	a := e.acc
	return &a, true
}

// generation is read before the database lookup whose result put stores.
func (c *sessionCache) generation() uint64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.gen
}

// put stores acc unless an invalidation happened since gen was read.
func (c *sessionCache) put(hash string, acc *Account, expires time.Time, gen uint64) {
	if c.ttl <= 0 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.gen != gen {
		return
	}
	if len(c.m) >= c.max {
		now := time.Now()
		for k, e := range c.m {
			if now.After(e.until) {
				delete(c.m, k)
			}
		}
		// Still full: drop arbitrary entries (map order) rather than grow.
		for k := range c.m {
			if len(c.m) < c.max {
				break
			}
			delete(c.m, k)
		}
	}
	c.m[hash] = sessionEntry{acc: *acc, until: time.Now().Add(c.ttl), expires: expires}
}

// forgetToken drops one session (logout).
func (c *sessionCache) forgetToken(hash string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	delete(c.m, hash)
}

// forgetAccount drops every session of an account (password reset,
// revocation).
func (c *sessionCache) forgetAccount(id string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	for k, e := range c.m {
		if e.acc.ID == id {
			delete(c.m, k)
		}
	}
}
