package e2e

import (
	"context"
	"fmt"
	"log/slog"
	"sync/atomic"
	"testing"
	"time"

	"beian/internal/jobs"
	"beian/internal/storage"
	"beian/internal/storage/storagetest"
)

// TestShutdownDrainsJobs: when `beian serve` stops (its worker context is
// cancelled), the jobs a worker holds run to completion with a live
// context and are marked done; none is left running or half done.
func TestShutdownDrainsJobs(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, st *storage.Store) {
		ctx := context.Background()
		const n = 3
		err := st.Tx(ctx, func(tx *storage.Tx) error {
			for i := range n {
				if err := tx.Enqueue(ctx, "slow", map[string]int{"i": i}, fmt.Sprintf("slow-%d", i), time.Time{}); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		started := make(chan struct{}, n)
		var finished, cancelledInside atomic.Int32
		r := &jobs.Runner{Store: st, Log: slog.New(slog.DiscardHandler), Poll: 10 * time.Millisecond, Handlers: map[string]jobs.Handler{
			"slow": func(ctx context.Context, j storage.Job) error {
				started <- struct{}{}
				time.Sleep(300 * time.Millisecond)
				if ctx.Err() != nil {
					cancelledInside.Add(1)
				}
				finished.Add(1)
				return nil
			},
		}}
		wctx, stop := context.WithCancel(ctx)
		done := make(chan struct{})
		go func() { r.Run(wctx); close(done) }()
		<-started
		stop() // SIGTERM: the workers' context ends while the first job runs
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			t.Fatal("the runner did not return after its jobs")
		}
		if finished.Load() != n || cancelledInside.Load() != 0 {
			t.Errorf("%d of %d claimed jobs finished, %d saw a cancelled context", finished.Load(), n, cancelledInside.Load())
		}
		counts, err := st.JobCounts(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if counts["done"] != n || counts["running"] != 0 || counts["queued"] != 0 {
			t.Errorf("jobs after the drain: %v", counts)
		}
	})
}
