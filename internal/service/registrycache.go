package service

import (
	"context"
	"time"
)

// CachedRegistry decorates a Registry with a bounded cache of its answers
// (unknown ones too), kept for ttl and, when gen is not nil, only while
// gen() is unchanged. For a registry whose tables live in Beian's store
// (the simulator, the relay's mirror) gen is the store's PublicGeneration,
// which every change of those tables bumps; a remote registry gets a TTL
// alone. Callers never modify what it returns.
func CachedRegistry(r Registry, ttl time.Duration, size int, gen func() uint64) Registry {
	if gen == nil {
		gen = func() uint64 { return 0 }
	}
	return &cachedRegistry{r: r, gen: gen,
		subjects: newGenCache[*RegistrySubject](ttl, size), domains: newGenCache[*RegistryWebsite](ttl, size)}
}

type cachedRegistry struct {
	r        Registry
	gen      func() uint64
	subjects *genCache[*RegistrySubject]
	domains  *genCache[*RegistryWebsite]
}

func (c *cachedRegistry) LookupSubject(ctx context.Context, certType, certNumber string) (*RegistrySubject, error) {
	key, gen := certType+"|"+certNumber, c.gen()
	if v, ok := c.subjects.get(key, gen); ok {
		return v, nil
	}
	v, err := c.r.LookupSubject(ctx, certType, certNumber)
	if err == nil {
		c.subjects.put(key, v, gen)
	}
	return v, err
}

func (c *cachedRegistry) LookupDomain(ctx context.Context, domain string) (*RegistryWebsite, error) {
	gen := c.gen()
	if v, ok := c.domains.get(domain, gen); ok {
		return v, nil
	}
	v, err := c.r.LookupDomain(ctx, domain)
	if err == nil {
		c.domains.put(domain, v, gen)
	}
	return v, err
}
