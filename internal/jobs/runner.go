// Package jobs runs the durable background work queued in the database:
// notifications, bureau submission and polling, SMS expiry, automatic
// decisions, overdue alerts. Jobs are written by storage in the same
// transaction as the change they follow; this package claims and runs them.
package jobs

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"sync"
	"time"

	"beian/internal/storage"
)

// Handler does one job. Returning an error retries it later with backoff;
// returning Permanent(err) gives up at once.
type Handler func(ctx context.Context, j storage.Job) error

type permanent struct{ error }

// Permanent marks an error that retrying cannot fix.
func Permanent(err error) error { return permanent{err} }

// Lease is the default lease of a claimed job, for the runner and for a
// caller that runs a job's work at once (storage.Store.RunJobNow).
const Lease = 15 * time.Second

// Runner polls the queue and runs handlers.
type Runner struct {
	Store    *storage.Store
	Log      *slog.Logger
	Handlers map[string]Handler
	// Poll is the longest sleep between looks at the queue.
	Poll time.Duration
	// Lease is how long a claimed job is ours before another worker may
	// take it. It is renewed while the job runs, so it can be short: after
	// a crash the dead worker's jobs come back within one lease.
	Lease time.Duration
	// Now is the business clock; nil means the store's.
	Now func() time.Time

	wake chan struct{}
	once sync.Once
}

func (r *Runner) init() {
	r.once.Do(func() {
		r.wake = make(chan struct{}, 1)
		if r.Poll == 0 {
			r.Poll = 500 * time.Millisecond
		}
		if r.Lease == 0 {
			r.Lease = Lease
		}
		if r.Now == nil {
			r.Now = r.Store.Now
		}
	})
}

// Wake asks the runner to look at the queue now (after a commit that queued work).
func (r *Runner) Wake() {
	r.init()
	select {
	case r.wake <- struct{}{}:
	default:
	}
}

// Run works until ctx is cancelled; jobs in flight finish first.
func (r *Runner) Run(ctx context.Context) {
	r.init()
	for {
		n, err := r.RunDue(ctx)
		if err != nil && ctx.Err() == nil {
			r.Log.Warn("job queue", "err", err)
		}
		if n > 0 {
			continue
		}
		select {
		case <-ctx.Done():
			return
		case <-r.wake:
		case <-time.After(r.Poll):
		}
	}
}

// RunDue claims and runs the jobs due now, returning how many ran. Tests
// call it directly to drain the queue deterministically.
func (r *Runner) RunDue(ctx context.Context) (int, error) {
	r.init()
	jobs, err := r.Store.ClaimJobs(ctx, r.Now(), 8, r.Lease)
	if err != nil || len(jobs) == 0 {
		return 0, err
	}
	// Jobs run to completion even when ctx is cancelled (graceful drain).
	runCtx := context.WithoutCancel(ctx)
	var mu sync.Mutex
	pending := make([]string, 0, len(jobs))
	for _, j := range jobs {
		pending = append(pending, j.ID)
	}
	stop := make(chan struct{})
	beat := make(chan struct{})
	go func() {
		defer close(beat)
		t := time.NewTicker(r.Lease / 3)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case <-t.C:
				mu.Lock()
				ids := append([]string(nil), pending...)
				mu.Unlock()
				if err := r.Store.ExtendJobLease(runCtx, ids, r.Now().Add(r.Lease)); err != nil {
					r.Log.Warn("extend job lease", "err", err)
				}
			}
		}
	}()
	for _, j := range jobs {
		r.runOne(runCtx, j)
		mu.Lock()
		pending = pending[1:] // jobs run in claim order
		mu.Unlock()
	}
	close(stop)
	<-beat
	return len(jobs), nil
}

func (r *Runner) runOne(ctx context.Context, j storage.Job) {
	h, ok := r.Handlers[j.Kind]
	var err error
	if !ok {
		err = Permanent(fmt.Errorf("no handler for job kind %q", j.Kind))
	} else {
		err = safeRun(ctx, h, j)
	}
	if err == nil {
		if cerr := r.Store.CompleteJob(ctx, j.ID); cerr != nil {
			r.Log.Error("complete job", "id", j.ID, "kind", j.Kind, "err", cerr)
		}
		return
	}
	var p permanent
	if errors.As(err, &p) {
		j.Attempts = j.MaxAttempts
	}
	next := r.Now().Add(Backoff(j.Attempts))
	r.Log.Warn("job failed", "id", j.ID, "kind", j.Kind, "attempt", j.Attempts, "err", err)
	if rerr := r.Store.RetryJob(ctx, j, err, next); rerr != nil {
		r.Log.Error("retry job", "id", j.ID, "err", rerr)
	}
}

func safeRun(ctx context.Context, h Handler, j storage.Job) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("job panicked: %v", p)
		}
	}()
	return h(ctx, j)
}

// Backoff is the wait before attempt n+1: 2s, 4s, 8s … capped at 10 minutes.
func Backoff(attempt int) time.Duration {
	d := time.Duration(math.Pow(2, float64(attempt))) * time.Second
	if d > 10*time.Minute || d <= 0 {
		d = 10 * time.Minute
	}
	return d
}
