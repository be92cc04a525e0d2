package storage_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"beian/internal/storage"
	"beian/internal/storage/storagetest"
)

// job is one to queue: its kind, payload, key and when it is due.
type job struct {
	kind    string
	payload any
	key     string
	at      time.Time
}

// enqueue queues jobs in one transaction.
func enqueue(t *testing.T, s *storage.Store, jobs ...job) {
	t.Helper()
	ctx := t.Context()
	if err := s.Tx(ctx, func(tx *storage.Tx) error {
		for _, j := range jobs {
			if err := tx.Enqueue(ctx, j.kind, j.payload, j.key, j.at); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
}

func TestJobQueue(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		now := s.Now()
		mail := job{"mail", map[string]string{"to": "a"}, "k1", now}
		enqueue(t, s, mail, mail /* same key: kept once */, job{"later", nil, "", now.Add(time.Hour)})
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
		storagetest.WantJobs(t, s, map[string]int{"done": 1, "queued": 1})
	})
}

// TestRunJobNow: work done straight after a commit is the job's one
// attempt; a failure puts the job back for the runner; a job the runner
// already holds is not run a second time.
func TestRunJobNow(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		now := s.Now()
		enqueue(t, s, job{"work", nil, "ok", now}, job{"work", nil, "fails", now}, job{"work", nil, "held", now})
		calls := 0
		work := func(context.Context) error { calls++; return nil }
		if ran, err := s.RunJobNow(ctx, "ok", time.Minute, work); !ran || err != nil || calls != 1 {
			t.Fatalf("ok: ran=%v err=%v calls=%d", ran, err, calls)
		}
		if ran, _ := s.RunJobNow(ctx, "ok", time.Minute, work); ran || calls != 1 {
			t.Fatalf("a done job ran again (calls %d)", calls)
		}
		boom := errors.New("adapter down")
		if ran, err := s.RunJobNow(ctx, "fails", time.Minute, func(context.Context) error { return boom }); !ran || !errors.Is(err, boom) {
			t.Fatalf("fails: ran=%v err=%v", ran, err)
		}
		// The runner takes both remaining jobs: the failed one is due again.
		claimed, err := s.ClaimJobs(ctx, s.Now().Add(time.Second), 10, time.Minute)
		if err != nil {
			t.Fatal(err)
		}
		attempts := map[string]int{}
		for _, j := range claimed {
			attempts[j.Key] = j.Attempts
		}
		if len(claimed) != 2 || attempts["fails"] != 2 || attempts["held"] != 1 {
			t.Fatalf("runner claimed %+v, want fails (2nd attempt) and held", claimed)
		}
		if ran, _ := s.RunJobNow(ctx, "held", time.Minute, work); ran || calls != 1 {
			t.Fatal("a job the runner holds ran at once too")
		}
	})
}

// TestPurgeJobPayloads: a finished job keeps its payload for the retention
// period, then only its kind, key and times; queued and running jobs keep
// theirs, and the key still stops the work from being queued again.
func TestPurgeJobPayloads(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		now := s.Now()
		enqueue(t, s, job{"mail", map[string]string{"body_sealed": "k1:secret"}, "done-key", now},
			job{"mail", map[string]string{"body_sealed": "k1:waiting"}, "queued-key", now.Add(time.Hour)})
		jobs, err := s.ClaimJobs(ctx, now, 10, time.Minute)
		if err != nil || len(jobs) != 1 {
			t.Fatalf("claim: %v %v", jobs, err)
		}
		if err := s.CompleteJob(ctx, jobs[0].ID); err != nil {
			t.Fatal(err)
		}
		purge := func(before time.Time) int64 {
			t.Helper()
			var n int64
			if err := s.Tx(ctx, func(tx *storage.Tx) (err error) { n, err = tx.PurgeJobPayloads(ctx, before); return err }); err != nil {
				t.Fatal(err)
			}
			return n
		}
		if n := purge(now.Add(-time.Hour)); n != 0 {
			t.Errorf("purged %d jobs finished within the retention", n)
		}
		if n := purge(now.Add(time.Hour)); n != 1 {
			t.Errorf("purged %d jobs, want the finished one", n)
		}
		if n := purge(now.Add(time.Hour)); n != 0 {
			t.Errorf("purged again: %d", n)
		}
		// The key stands: the same work is not queued again.
		enqueue(t, s, job{"mail", map[string]string{"body_sealed": "k1:again"}, "done-key", now})
		storagetest.WantJobs(t, s, map[string]int{"queued": 1, "done": 1}) // after the purge
	})
}
