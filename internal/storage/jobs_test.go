package storage_test

import (
	"context"
	"testing"
	"time"

	"beian/internal/storage"
	"beian/internal/storage/storagetest"
)

func TestJobQueue(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		now := s.Now()
		err := s.Tx(ctx, func(tx *storage.Tx) error {
			if err := tx.Enqueue(ctx, "mail", map[string]string{"to": "a"}, "k1", now); err != nil {
				return err
			}
			// Same key: kept once.
			if err := tx.Enqueue(ctx, "mail", map[string]string{"to": "a"}, "k1", now); err != nil {
				return err
			}
			return tx.Enqueue(ctx, "later", nil, "", now.Add(time.Hour))
		})
		if err != nil {
			t.Fatal(err)
		}
		jobs, err := s.ClaimJobs(ctx, now.Add(time.Second), 10, time.Minute)
		if err != nil {
			t.Fatal(err)
		}
		if len(jobs) != 1 || jobs[0].Kind != "mail" || jobs[0].Attempts != 1 {
			t.Fatalf("claimed %+v, want the one due mail job", jobs)
		}
		// Leased: not claimable again until the lease ends.
		again, _ := s.ClaimJobs(ctx, now.Add(2*time.Second), 10, time.Minute)
		if len(again) != 0 {
			t.Fatalf("leased job claimed twice: %+v", again)
		}
		// A dead worker's lease runs out and the job comes back.
		back, _ := s.ClaimJobs(ctx, now.Add(2*time.Minute), 10, time.Minute)
		if len(back) != 1 || back[0].Attempts != 2 {
			t.Fatalf("expired lease: got %+v", back)
		}
		if err := s.CompleteJob(ctx, back[0].ID); err != nil {
			t.Fatal(err)
		}
		counts, _ := s.JobCounts(ctx)
		if counts["done"] != 1 || counts["queued"] != 1 {
			t.Fatalf("counts %v", counts)
		}
	})
}
