package service

import (
	"container/list"
	"sync"
	"time"
)

// The public lookup is hit by crawlers and on every keystroke of a search
// box, and answers public data only, so its results are kept for a few
// seconds in a bounded LRU keyed by the normalized query. An entry is
// dropped as soon as this instance commits a change to the records or the
// bureau's registry (storage.Store.PublicGeneration); a change made by
// another instance shows within publicCacheTTL, or milliseconds after its
// commit while the store announces other instances' changes
// (storage.Store.SeesOtherInstances: PostgreSQL), when entries may stay
// for announcedCacheTTL.
const (
	publicCacheTTL    = 3 * time.Second
	publicCacheSize   = 16384
	announcedCacheTTL = time.Minute
)

type genEntry[V any] struct {
	key   string
	val   V      // shared, never modified
	gen   uint64 // the store's PublicGeneration before the value was read
	until time.Time
}

// genCache is a bounded LRU of values read from the records, valid while
// the store's PublicGeneration is unchanged and for at most ttl.
type genCache[V any] struct {
	mu  sync.Mutex
	ttl time.Duration
	// announced, when set and true, says the generation counts every
	// instance's changes: entries then live for announcedCacheTTL.
	announced func() bool
	max       int
	order     *list.List // front: most recently used; values *genEntry[V]
	m         map[string]*list.Element
}

func newGenCache[V any](ttl time.Duration, max int) *genCache[V] {
	return &genCache[V]{ttl: ttl, max: max, order: list.New(), m: make(map[string]*list.Element)}
}

// get returns the value of key if it was read at generation gen and is
// younger than the TTL.
func (c *genCache[V]) get(key string, gen uint64) (V, bool) {
	var zero V
	if c.ttl <= 0 {
		return zero, false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.m[key]
	if !ok {
		return zero, false
	}
	e := el.Value.(*genEntry[V])
	if e.gen != gen || time.Now().After(e.until) {
		c.order.Remove(el)
		delete(c.m, key)
		return zero, false
	}
	c.order.MoveToFront(el)
	return e.val, true
}

// put stores a value read at generation gen, evicting the least recently
// used entry when full.
func (c *genCache[V]) put(key string, val V, gen uint64) {
	if c.ttl <= 0 {
		return
	}
	ttl := c.ttl
	if c.announced != nil && c.announced() {
		ttl = max(ttl, announcedCacheTTL)
	}
	e := &genEntry[V]{key: key, val: val, gen: gen, until: time.Now().Add(ttl)}
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.m[key]; ok {
		el.Value = e
		c.order.MoveToFront(el)
		return
	}
	c.m[key] = c.order.PushFront(e)
	// Drop the least recently used beyond the bound, and expired entries
	// from the back, so a burst's answers do not stay in memory after it.
	now := time.Now()
	for last := c.order.Back(); last != nil && (c.order.Len() > c.max || now.After(last.Value.(*genEntry[V]).until)); last = c.order.Back() {
		c.order.Remove(last)
		delete(c.m, last.Value.(*genEntry[V]).key)
	}
}
