package monitor_test

import (
	"context"
	"testing"
	"time"

	"beian/internal/monitor"
	"beian/internal/monitor/monitortest"
	"beian/internal/storage"
	"beian/internal/testkit"
)

// TestMonitorBounds: a run takes at most BEIAN_MONITOR_BATCH websites and
// spaces their checks to BEIAN_MONITOR_RATE a minute; the rest wait for the
// next run. A resolver failure judges nothing; a website whose access ends
// leaves the report with its problems resolved; BEIAN_MONITOR=off checks
// nothing. Nothing here answers HTTP: no homepage is fetched. On both
// databases.
func TestMonitorBounds(t *testing.T) {
	dns, world := loopback(t)
	testkit.Each(t, func(t *testing.T, k *testkit.Kit) {
		ctx := context.Background()
		staff := k.AdminToken()
		var ids []string
		for i, name := range []string{"b-gone", "b-fail", "b-third"} {
			f := k.FileThrough(400+i, name+".cn")
			k.Approve(f, staff)
			ws, err := k.Store.WebsiteRecordsByDomain(ctx, f.Domain)
			if err != nil || len(ws) != 1 {
				t.Fatalf("website of %s: %v %v", f.Domain, ws, err)
			}
			ids = append(ids, ws[0].ID)
		}
		dns.Set("www.b-gone.cn", "127.0.1.1") // another provider's
		dns.Set("www.b-fail.cn", monitortest.ServFail)
		dns.Set("www.b-third.cn", "127.0.1.1")
		counts := func() map[string]int {
			t.Helper()
			c, err := k.Store.MonitorSummaryCounts(ctx)
			if err != nil {
				t.Fatal(err)
			}
			return c
		}
		if err := k.Monitor.Schedule(ctx); err != nil {
			t.Fatal(err)
		}
		k.Clock.Add(time.Hour)
		k.RunJobs() // the scheduler queues two checks, 30 s apart: the first runs now
		if c := counts(); c["unchecked"] != 2 {
			t.Fatalf("after the run and its first check: %v, want 2 unchecked", c)
		}
		k.Clock.Add(29 * time.Second)
		k.RunJobs()
		if c := counts(); c["unchecked"] != 2 {
			t.Fatalf("29 s later: %v, the second check is not due yet", c)
		}
		k.Clock.Add(time.Second)
		k.RunJobs()
		if c := counts(); c["unchecked"] != 1 || c["moved"] != 1 || c["check_failed"] != 1 {
			t.Fatalf("30 s later: %v, want one each of moved, check_failed, unchecked", c)
		}
		k.Clock.Add(time.Hour) // the next run takes the third
		k.RunJobs()
		if c := counts(); c["unchecked"] != 0 || c["moved"] != 2 {
			t.Fatalf("after the second run: %v", c)
		}
		// The resolver failed for b-fail: no problem either way.
		if ps, err := k.Store.MonitorProblems(ctx, ids[1], true); err != nil || len(ps) != 0 {
			t.Fatalf("problems after a resolver failure: %v %v", ps, err)
		}
		// b-gone's access ends (取消接入 approved): its problem resolves, it leaves the report.
		err := k.Store.Tx(ctx, func(tx *storage.Tx) error {
			acc, err := tx.AccessRecordsByWebsite(ctx, ids[0])
			if err != nil || len(acc) != 1 {
				t.Fatalf("access of b-gone: %v %v", acc, err)
			}
			acc[0].Status, acc[0].UpdatedAt = storage.RecordCancelled, k.Clock.Now()
			return tx.PutAccessRecord(ctx, acc[0])
		})
		if err != nil {
			t.Fatal(err)
		}
		k.Clock.Add(25 * time.Hour)
		k.RunJobs()
		k.Clock.Add(time.Minute)
		k.RunJobs()
		rows, err := k.Monitor.Report(ctx, monitor.Filter{})
		if err != nil || len(rows) != 2 {
			t.Fatalf("report after b-gone's access ended: %d rows, %v", len(rows), err)
		}
		ps, err := k.Store.MonitorProblems(ctx, ids[0], true)
		if err != nil || len(ps) != 1 || ps[0].ResolvedAt.IsZero() {
			t.Fatalf("b-gone's problem: %v %v", ps, err)
		}
		checks, err := k.Store.MonitorChecks(ctx, ids[0], 10)
		if err != nil || len(checks) != 1 {
			t.Fatalf("b-gone checked %d times after its access ended, want only the one before: %v", len(checks), err)
		}
	}, append(world, testkit.Env("BEIAN_MONITOR_BATCH", "2"), testkit.Env("BEIAN_MONITOR_RATE", "2"), testkit.Env("BEIAN_MONITOR_TIMEOUT", "1s"))...)
}

// Off, the monitor schedules nothing.
func TestMonitorOff(t *testing.T) {
	k := testkit.New(t, testkit.Env("BEIAN_MONITOR", "off"))
	if err := k.Monitor.Schedule(context.Background()); err != nil {
		t.Fatal(err)
	}
	k.Clock.Add(2 * time.Hour)
	if n, err := k.Runner.RunDue(context.Background()); err != nil || n != 0 {
		t.Fatalf("monitor off ran %d jobs: %v", n, err)
	}
}
