package monitor_test

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"beian/internal/notify"
	"beian/internal/testkit"
)

// TestMonitorTwoInstances: two instances on one database both schedule the
// monitor and run the queue at the same time, round after round; each
// problem is still checked once a round and mailed once.
func TestMonitorTwoInstances(t *testing.T) {
	dns, world := loopback(t)
	testkit.EachPair(t, func(t *testing.T, a, b *testkit.Kit) {
		ctx := context.Background()
		staff := a.AdminToken()
		names := []string{"two-moved", "two-down", "two-gone"}
		for i, n := range names {
			f := a.FileThrough(500+i, n+".cn")
			a.Approve(f, staff)
		}
		dns.Set("www.two-moved.cn", "127.0.1.1")
		dns.Set("www.two-down.cn", "127.0.0.9")
		// two-gone: NXDOMAIN
		for _, k := range []*testkit.Kit{a, b} {
			if err := k.Monitor.Schedule(ctx); err != nil {
				t.Fatal(err)
			}
		}
		step := func(d time.Duration) {
			a.Clock.Add(d)
			b.Clock.Set(a.Clock.Now())
			testkit.RunJobsTogether(a, b)
		}
		for range 4 {
			step(25 * time.Hour)
			step(time.Minute)
		}
		a.RunJobs()
		for i, n := range names {
			items, err := a.Notifier.Outbox.List(ctx, notify.OutboxQuery{To: "filer" + strconv.Itoa(500+i) + "@example.com", Channel: "email", Limit: 1000})
			if err != nil {
				t.Fatal(err)
			}
			mails := 0
			for _, it := range items {
				if strings.Contains(it.Body, "我们定期检查") {
					mails++
				}
			}
			ws, err := a.Store.WebsiteRecordsByDomain(ctx, n+".cn")
			if err != nil || len(ws) != 1 {
				t.Fatal(ws, err)
			}
			checks, err := a.Store.MonitorChecks(ctx, ws[0].ID, 100)
			if err != nil {
				t.Fatal(err)
			}
			if mails != 1 || len(checks) != 4 {
				t.Errorf("%s: %d mails, %d checks; want 1 mail and 4 checks (one a round)", n, mails, len(checks))
			}
		}
	}, append(world, testkit.Env("BEIAN_MONITOR_RATE", "6000"), testkit.Env("BEIAN_MONITOR_TIMEOUT", "1s"))...)
}
