package storage_test

import (
	"errors"
	"testing"
	"time"

	"beian/internal/storage"
	"beian/internal/storage/storagetest"
)

// TestJobQueueStats: depth counts due jobs only, the oldest due one sets
// the lag, running and given-up jobs are counted apart.
func TestJobQueueStats(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := t.Context()
		now := s.Now()
		enqueue(t, s, job{"mail", nil, "ma", now.Add(-time.Hour)}, job{"mail", nil, "mb", now.Add(-time.Minute)},
			job{"mail", nil, "mc", now.Add(time.Hour)}, job{"bureau", nil, "b", now.Add(-2 * time.Hour)})
		// Claim the bureau job (the oldest), then fail it for good.
		jobs, err := s.ClaimJobs(ctx, now, 1, time.Minute)
		if err != nil || len(jobs) != 1 || jobs[0].Kind != "bureau" {
			t.Fatalf("claim: %v %+v", err, jobs)
		}
		stats, err := s.JobQueueStats(ctx, now)
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]storage.JobKindStats{}
		for _, k := range stats {
			got[k.Kind] = k
		}
		if m := got["mail"]; m.Due != 2 || !m.Oldest.Equal(now.Add(-time.Hour).Truncate(time.Millisecond)) || m.Running != 0 {
			t.Errorf("mail: %+v, want 2 due, oldest an hour ago", m)
		}
		if b := got["bureau"]; b.Running != 1 || b.Due != 0 {
			t.Errorf("bureau: %+v, want 1 running", b)
		}
		jobs[0].Attempts = jobs[0].MaxAttempts
		if err := s.RetryJob(ctx, jobs[0], errors.New("gave up"), now); err != nil {
			t.Fatal(err)
		}
		stats, _ = s.JobQueueStats(ctx, now)
		for _, k := range stats {
			if k.Kind == "bureau" && (k.Failed != 1 || k.Running != 0) {
				t.Errorf("bureau after giving up: %+v", k)
			}
		}
	})
}
