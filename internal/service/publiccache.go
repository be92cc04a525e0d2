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
// another instance shows within publicCacheTTL.
const (
	publicCacheTTL  = 3 * time.Second
	publicCacheSize = 20000
)

type publicEntry struct {
	key   string
	rows  []PublicFiling // shared, never modified
	gen   uint64         // the store's PublicGeneration before the rows were read
	until time.Time
}

type publicCache struct {
	mu    sync.Mutex
	ttl   time.Duration
	max   int
	order *list.List // front: most recently used; values *publicEntry
	m     map[string]*list.Element
}

func newPublicCache(ttl time.Duration, max int) *publicCache {
	return &publicCache{ttl: ttl, max: max, order: list.New(), m: make(map[string]*list.Element)}
}

// get returns the rows of key if they were read at generation gen and are
// younger than the TTL.
func (c *publicCache) get(key string, gen uint64) ([]PublicFiling, bool) {
	if c.ttl <= 0 {
		return nil, false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.m[key]
	if !ok {
		return nil, false
	}
	e := el.Value.(*publicEntry)
	if e.gen != gen || time.Now().After(e.until) {
		c.order.Remove(el)
		delete(c.m, key)
		return nil, false
	}
	c.order.MoveToFront(el)
	return e.rows, true
}

// put stores rows read at generation gen, evicting the least recently
// used entry when full.
func (c *publicCache) put(key string, rows []PublicFiling, gen uint64) {
	if c.ttl <= 0 {
		return
	}
	e := &publicEntry{key: key, rows: rows, gen: gen, until: time.Now().Add(c.ttl)}
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.m[key]; ok {
		el.Value = e
		c.order.MoveToFront(el)
		return
	}
	c.m[key] = c.order.PushFront(e)
	for c.order.Len() > c.max {
		last := c.order.Back()
		c.order.Remove(last)
		delete(c.m, last.Value.(*publicEntry).key)
	}
}
