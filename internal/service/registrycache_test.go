package service_test

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"beian/internal/service"
)

type countingRegistry struct {
	subjects, domains atomic.Int32
}

func (c *countingRegistry) LookupSubject(_ context.Context, certType, certNumber string) (*service.RegistrySubject, error) {
	c.subjects.Add(1)
	if certNumber == "known" {
		return &service.RegistrySubject{Number: "京ICP备2019000001号"}, nil
	}
	return nil, nil
}

func (c *countingRegistry) LookupDomain(_ context.Context, domain string) (*service.RegistryWebsite, error) {
	c.domains.Add(1)
	return nil, nil
}

// TestCachedRegistry: the decorator answers repeated questions (unknown
// answers too) from its cache, and asks again when the generation moves
// or the entry is older than its TTL.
func TestCachedRegistry(t *testing.T) {
	ctx := context.Background()
	inner := &countingRegistry{}
	var gen atomic.Uint64
	reg := service.CachedRegistry(inner, time.Hour, 16, gen.Load)
	for range 3 {
		if s, err := reg.LookupSubject(ctx, "business_license", "known"); err != nil || s == nil || s.Number != "京ICP备2019000001号" {
			t.Fatalf("subject: %+v %v", s, err)
		}
		if w, err := reg.LookupDomain(ctx, "unknown.cn"); err != nil || w != nil {
			t.Fatalf("domain: %+v %v", w, err)
		}
	}
	if inner.subjects.Load() != 1 || inner.domains.Load() != 1 {
		t.Fatalf("asked %d and %d times, want once each", inner.subjects.Load(), inner.domains.Load())
	}
	gen.Add(1) // a registry change committed here
	reg.LookupSubject(ctx, "business_license", "known")
	reg.LookupDomain(ctx, "unknown.cn")
	if inner.subjects.Load() != 2 || inner.domains.Load() != 2 {
		t.Fatalf("after a change: asked %d and %d times, want twice each", inner.subjects.Load(), inner.domains.Load())
	}
	short := service.CachedRegistry(inner, time.Millisecond, 16, nil) // a remote registry: TTL only
	short.LookupDomain(ctx, "ttl.cn")
	time.Sleep(5 * time.Millisecond)
	short.LookupDomain(ctx, "ttl.cn")
	if inner.domains.Load() != 4 {
		t.Errorf("an expired entry was served: %d lookups, want 4", inner.domains.Load())
	}
}
