package jobs

import (
	"context"
	"log/slog"
	"sync/atomic"
	"testing"
	"time"

	"beian/internal/storage"
	"beian/internal/storage/storagetest"
)

// A job that runs longer than the lease keeps its lease (heartbeat), so
// another worker polling meanwhile does not run it a second time.
func TestLongJobKeepsItsLease(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		if err := s.Tx(ctx, func(tx *storage.Tx) error { return tx.Enqueue(ctx, "slow", nil, "slow-1", time.Time{}) }); err != nil {
			t.Fatal(err)
		}
		var runs atomic.Int32
		release := make(chan struct{})
		h := map[string]Handler{"slow": func(ctx context.Context, j storage.Job) error {
			runs.Add(1)
			<-release
			return nil
		}}
		log := slog.New(slog.DiscardHandler)
		a := &Runner{Store: s, Log: log, Handlers: h, Lease: 300 * time.Millisecond}
		b := &Runner{Store: s, Log: log, Handlers: h, Lease: 300 * time.Millisecond}
		done := make(chan struct{})
		go func() { a.RunDue(ctx); close(done) }()
		for runs.Load() == 0 { // the first worker has claimed it and is running it
			time.Sleep(5 * time.Millisecond)
		}
		// Poll with the second worker for several leases while the first runs.
		deadline := time.Now().Add(1200 * time.Millisecond)
		for time.Now().Before(deadline) {
			if n, err := b.RunDue(ctx); err != nil || n != 0 {
				t.Fatalf("second worker claimed %d (err %v) while the first held the lease", n, err)
			}
			time.Sleep(50 * time.Millisecond)
		}
		close(release)
		<-done
		if runs.Load() != 1 {
			t.Fatalf("job ran %d times, want once", runs.Load())
		}
		storagetest.WantJobs(t, s, map[string]int{"done": 1})
	})
}

// A dead worker's claimed job comes back after one short lease.
func TestDeadWorkersJobComesBackAfterOneLease(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		s.Tx(ctx, func(tx *storage.Tx) error { return tx.Enqueue(ctx, "mail", nil, "m-1", time.Time{}) })
		// Claimed by a worker that then dies without completing or renewing.
		if jobs, err := s.ClaimJobs(ctx, s.Now(), 8, 200*time.Millisecond); err != nil || len(jobs) != 1 {
			t.Fatalf("claim: %v %v", jobs, err)
		}
		var runs atomic.Int32
		r := &Runner{Store: s, Log: slog.New(slog.DiscardHandler), Lease: time.Second,
			Handlers: map[string]Handler{"mail": func(context.Context, storage.Job) error { runs.Add(1); return nil }}}
		if n, _ := r.RunDue(ctx); n != 0 {
			t.Fatal("a leased job was taken before its lease ran out")
		}
		time.Sleep(250 * time.Millisecond)
		if n, err := r.RunDue(ctx); n != 1 || err != nil || runs.Load() != 1 {
			t.Fatalf("after the lease: ran %d, err %v, runs %d", n, err, runs.Load())
		}
	})
}
