package storage_test

import (
	"context"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"beian/internal/storage"
	"beian/internal/storage/storagetest"
)

// TestQueueDomains: the review queue shows each application's domains in
// document order as written last, a list too long for the queue's index
// too, and migration 00059 fills them in for applications written before
// it.
func TestQueueDomains(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		mkAccount(t, s, "u1", "u1@example.com", "p1")
		now := time.UnixMilli(1_780_000_000_000).UTC()
		// Ten domains of 253 random letters beside the longest subject name:
		// no index entry holds them (PostgreSQL's B-tree refuses entries over
		// 2,704 bytes).
		rng := rand.New(rand.NewPCG(59, 60))
		label := func(n int) string {
			b := make([]byte, n)
			for i := range b {
				b[i] = byte('a' + rng.IntN(26))
			}
			return string(b)
		}
		var name []rune // the longest subject name, 100 characters of 3 bytes
		for range 100 {
			name = append(name, rune(0x4e00+rng.IntN(20000)))
		}
		var long []string
		for range 10 {
			long = append(long, label(63)+"."+label(63)+"."+label(63)+"."+label(59)+".cn")
		}
		for i, domains := range [][]string{{"b.cn", "", "a.cn"}, {"c.cn"}, nil, long} {
			a := &storage.Application{ID: string(rune('x' + i)), OwnerID: "u1", Flow: "first_filing", State: "initial_review",
				Open: true, Province: "330000", SubjectName: string(name), SubjectCertType: "business_license", SubjectCertHash: "c", Document: "sealed",
				Domains: domains, DueAt: now.Add(time.Duration(i) * time.Hour), SubmittedAt: now, CreatedAt: now, UpdatedAt: now}
			if err := s.Tx(ctx, func(tx *storage.Tx) error { return tx.CreateApplication(ctx, a) }); err != nil {
				t.Fatal(err)
			}
		}
		want := map[string][]string{"x": {"b.cn", "a.cn"}, "y": {"c.cn"}, "z": nil, "{": long}
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
