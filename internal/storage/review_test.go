package storage_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"beian/internal/storage"
	"beian/internal/storage/storagetest"
)

// TestQueueDomains: the review queue shows each application's domains in
// document order as written last, and migration 00059 fills them in for
// applications written before it.
func TestQueueDomains(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		mkAccount(t, s, "u1", "u1@example.com", "p1")
		now := time.UnixMilli(1_780_000_000_000).UTC()
		for i, domains := range [][]string{{"b.cn", "", "a.cn"}, {"c.cn"}, nil} {
			a := &storage.Application{ID: string(rune('x' + i)), OwnerID: "u1", Flow: "first_filing", State: "initial_review",
				Open: true, Province: "330000", SubjectCertType: "business_license", SubjectCertHash: "c", Document: "sealed",
				Domains: domains, DueAt: now.Add(time.Duration(i) * time.Hour), SubmittedAt: now, CreatedAt: now, UpdatedAt: now}
			if err := s.Tx(ctx, func(tx *storage.Tx) error { return tx.CreateApplication(ctx, a) }); err != nil {
				t.Fatal(err)
			}
		}
		want := map[string][]string{"x": {"b.cn", "a.cn"}, "y": {"c.cn"}, "z": nil}
		check := func(when string) {
			t.Helper()
			for _, province := range []string{"", "330000"} {
				q, err := s.ReviewQueue(ctx, storage.QueueFilter{States: []string{"initial_review"}, Province: province})
				if err != nil || len(q) != len(want) {
					t.Fatalf("%s: queue of %d, %v", when, len(q), err)
				}
				for _, a := range q {
					if !slices.Equal(a.Domains, want[a.ID]) {
						t.Errorf("%s, province %q: %s shows %q, want %q", when, province, a.ID, a.Domains, want[a.ID])
					}
				}
			}
		}
		check("created")

		err := s.Tx(ctx, func(tx *storage.Tx) error {
			a, err := tx.ApplicationForUpdate(ctx, "y")
			if err != nil {
				return err
			}
			a.Domains = []string{"d.cn", "e.cn"}
			return tx.UpdateApplication(ctx, a)
		})
		if err != nil {
			t.Fatal(err)
		}
		want["y"] = []string{"d.cn", "e.cn"}
		check("updated")

		if err := s.MigrateDownTo(ctx, 58); err != nil {
			t.Fatal(err)
		}
		if err := s.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		check("migrated")
	})
}
