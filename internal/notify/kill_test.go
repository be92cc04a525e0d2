package notify

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"beian/internal/clock"
	"beian/internal/config"
	"beian/internal/storage"
	"beian/internal/storage/storagetest"
)

const killChildEnv = "BEIAN_NOTIFY_KILL_CHILD_DB"

// runKillChild is the worker process of TestKillNineSendsOnce: it works
// the queue until it is killed.
func runKillChild() {
	url := os.Getenv(killChildEnv)
	ctx := context.Background()
	s, err := storage.Open(ctx, url, clock.Fixed(clock.TestNow()))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(3)
	}
	sealer, _ := testSealer()
	n, err := New(config.Config{Provider: config.DefaultProvider(), BaseURL: "http://x"}, s, sealer)
	if err != nil {
		os.Exit(4)
	}
	r := runner(s, n)
	r.Lease = 2 * time.Minute
	r.Run(ctx) // until SIGKILL
}

// A real worker process is killed with SIGKILL while notifications are
// queued and in flight; a new worker, after the lease, sends the rest:
// every message is in the outbox exactly once.
func TestKillNineSendsOnce(t *testing.T) {
	urls := storagetest.URLs(t)
	urls["sqlite"] = "sqlite:" + filepath.Join(t.TempDir(), "kill.db")
	for name, url := range urls {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			s := storagetest.OpenURL(t, url, clock.Fixed(clock.TestNow()))
			n := notifier(t, s, config.Config{})
			const total = 300
			err := s.Tx(ctx, func(tx *storage.Tx) error {
				for i := 0; i < total; i++ {
					p := Payload{To: fmt.Sprintf("user%d@example.cn", i), Template: TplSubmitted, Data: &Data{ApplicationID: fmt.Sprint(i)}}
					if err := n.Enqueue(ctx, tx, Email, fmt.Sprintf("kill-%d", i), p); err != nil {
						return err
					}
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			cmd := exec.Command(os.Args[0], "-test.run=^$")
			cmd.Env = append(os.Environ(), killChildEnv+"="+url)
			cmd.Stderr = os.Stderr
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			// Kill it in the middle of the work.
			deadline := time.Now().Add(30 * time.Second)
			for {
				items, _ := s.ListOutbox(ctx, storage.OutboxFilter{Limit: 1000})
				if len(items) >= 20 || time.Now().After(deadline) {
					break
				}
				time.Sleep(2 * time.Millisecond)
			}
			cmd.Process.Signal(syscall.SIGKILL)
			cmd.Wait()
			before, _ := s.ListOutbox(ctx, storage.OutboxFilter{Limit: 1000})
			counts, _ := s.JobCounts(ctx)
			t.Logf("killed after %d messages; jobs %v", len(before), counts)
			if len(before) == 0 || len(before) == total {
				t.Logf("note: the kill did not land mid-way (%d of %d sent)", len(before), total)
			}

			// Restart: a new worker, after the dead one's lease ran out.
			r := runner(s, n)
			r.Now = clock.Fixed(clock.TestNow().Add(3 * time.Minute))
			for i := 0; i < 100; i++ {
				if ran, err := r.RunDue(ctx); err != nil || ran == 0 {
					break
				}
			}
			items, err := s.ListOutbox(ctx, storage.OutboxFilter{Limit: 1000})
			if err != nil {
				t.Fatal(err)
			}
			seen := map[string]int{}
			for _, m := range items {
				seen[m.IdemKey]++
			}
			if len(items) != total || len(seen) != total {
				t.Fatalf("outbox has %d messages with %d keys, want %d each", len(items), len(seen), total)
			}
			counts, _ = s.JobCounts(ctx)
			if counts["done"] != total {
				t.Errorf("jobs %v", counts)
			}
		})
	}
}
